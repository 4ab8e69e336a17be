"""The balancer's configuration: nginx in front of several Rasa servers.

REST requests and the widget's files go to the least busy server (any server can answer any
conversation: they share PostgreSQL and Redis). A socket.io session stays on the server that
opened it: every request after the handshake carries the engine.io session id (``?sid=``),
whose prefix is the server's node id (:class:`~assistant.channels.socketio.NodeAsyncServer`),
so nginx picks the server from the id alone. The handshake itself, and a session id of a server
that has gone, go to any server (the widget then starts its session again there).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Backend:
    """One Rasa server behind the balancer: its node id and its address."""

    node_id: str
    host: str
    port: int


def render_config(
    port: int, backends: Sequence[Backend], run_dir: Path, listen_host: str = "127.0.0.1"
) -> str:
    """nginx.conf for a balancer on ``listen_host:port`` over ``backends``; files in ``run_dir``.

    The response header ``X-Served-By`` names the node that answered (for tests and load
    figures; it tells a client nothing it could misuse).
    """
    servers = "\n".join(
        f"        server {b.host}:{b.port} max_fails=1 fail_timeout=5s;" for b in backends
    )
    node_upstreams = "\n".join(
        f"    upstream node_{b.node_id} {{ server {b.host}:{b.port}; }}" for b in backends
    )
    sid_map = "\n".join(f"        ~^{b.node_id}- node_{b.node_id};" for b in backends)
    # $upstream_addr lists every server tried ("a:1, b:2" after a failover): the last answered.
    node_map = "\n".join(
        f"        ~{re.escape(b.host)}:{b.port}$ {b.node_id};" for b in backends
    )
    return f"""# Written by python -m assistant cluster (assistant/cluster/nginx.py): do not edit.
worker_processes 1;
pid {run_dir}/nginx.pid;
error_log {run_dir}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {run_dir}/client_body;
    proxy_temp_path {run_dir}/proxy;
    fastcgi_temp_path {run_dir}/fastcgi;
    uwsgi_temp_path {run_dir}/uwsgi;
    scgi_temp_path {run_dir}/scgi;
    client_max_body_size 1m;

    upstream rasa {{
        least_conn;
{servers}
    }}
{node_upstreams}
    # A socket.io session id names its server; no id (the handshake) or an unknown one: any.
    map $arg_sid $socket_upstream {{
        default rasa;
{sid_map}
    }}
    map $upstream_addr $served_by {{
        default "";
{node_map}
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        "" close;
    }}

    server {{
        listen {listen_host}:{port};
        add_header X-Served-By $served_by always;
        proxy_http_version 1.1;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_read_timeout 120s;
        # A server that is down or restarting: the request goes to the next (REST is answered
        # by whichever server, the conversation being in PostgreSQL).
        proxy_next_upstream error timeout http_502 http_503;

        location /socket.io/ {{
            proxy_pass http://$socket_upstream;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
        }}
        location / {{
            proxy_pass http://rasa;
        }}
    }}
}}
"""
