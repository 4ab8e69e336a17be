"""Several Rasa servers on one machine, sharing PostgreSQL and Redis, behind nginx.

:func:`start_cluster` starts, in order, PostgreSQL, Redis, each node (an action server and a
Rasa server, as :func:`assistant.launcher.start` starts them, with the shared stores set in
their environment), then the balancer; :meth:`Cluster.stop` stops them in the reverse order.
What it started is written to ``<folder>/cluster.json`` (each process id and command), so that
:func:`stop_recorded` (``make stop-cluster``) stops exactly those processes, from another
terminal, and nothing else.

Every node is stateless but for its caches: conversations (and the language a resident chose)
are in PostgreSQL, each conversation's lock in Redis, so any node answers any REST message and
a node that dies loses nothing. On separate machines the same pieces map one to one: see the
README ("Running on several machines").
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from assistant import launcher
from assistant.cluster import services
from assistant.cluster.nginx import Backend, render_config
from assistant.paths import DEFAULT_MODEL, VAR_DIR

CLUSTER_DIR = VAR_DIR / "cluster"
STATE_FILE = "cluster.json"
DATABASE = "assistant"
STOP_SECONDS = 20.0


@dataclass(frozen=True)
class Ports:
    """The ports a cluster uses: the balancer's, the shared stores', and the nodes'.

    Node ``n`` (from 1) uses ``first_rasa + n - 1`` and ``first_action + n - 1``, unless
    ``nodes`` lists each node's (Rasa port, action port).
    """

    balancer: int = 5005
    postgresql: int = 5433
    redis: int = 6380
    first_rasa: int = 5101
    first_action: int = 5201
    nodes: tuple[tuple[int, int], ...] = ()

    def node(self, number: int) -> tuple[int, int]:
        """Node ``number``'s Rasa server port and action server port."""
        if self.nodes:
            return self.nodes[number - 1]
        return self.first_rasa + number - 1, self.first_action + number - 1


@dataclass
class Cluster:
    """A started cluster: its services and nodes, by name."""

    folder: Path
    ports: Ports
    model: Path = DEFAULT_MODEL
    shared: dict[str, services.Service] = field(default_factory=dict)
    nodes: dict[str, launcher.Stack] = field(default_factory=dict)
    balancer: services.Service | None = None

    @property
    def url(self) -> str:
        """The balancer's base URL: the widget, REST and socket.io all go through it."""
        return f"http://127.0.0.1:{self.ports.balancer}"

    @property
    def tracker_store_url(self) -> str:
        """The shared tracker store (PostgreSQL)."""
        return f"postgresql://postgres@127.0.0.1:{self.ports.postgresql}/{DATABASE}"

    @property
    def lock_store_url(self) -> str:
        """The shared lock store (Redis)."""
        return f"redis://127.0.0.1:{self.ports.redis}/0"

    def record(self, supervisor: bool = False) -> None:
        """Write what runs now (process ids and commands) to the state file, in stopping order.

        Args:
            supervisor: This process keeps the cluster running (``make cluster``): it is
                recorded first, so that it is asked to stop everything itself.
        """
        processes: dict[str, dict[str, object]] = {}
        if supervisor:
            pid = os.getpid()
            processes["supervisor"] = {"pid": pid, "command": services.command_of(pid)}
        if self.balancer is not None and self.balancer.pid is not None:
            processes["balancer"] = {"pid": self.balancer.pid, "command": self.balancer.command}
        for node, stack in self.nodes.items():
            for server, process in stack.processes.items():
                if process.poll() is None:
                    processes[f"{node}-{server}"] = {"pid": process.pid,
                                                     "command": stack.commands[server]}  # fmt: skip
        for name, service in reversed(list(self.shared.items())):
            if service.pid is not None:
                processes[name] = {"pid": service.pid, "command": service.command}
        path = self.folder / STATE_FILE
        path.write_text(json.dumps({"url": self.url, "processes": processes}, indent=2) + "\n")

    def stop(self) -> None:
        """Stop everything it started: the balancer, the nodes, Redis, then PostgreSQL."""
        if self.balancer is not None:
            self.balancer.stop()
        for stack in self.nodes.values():
            stack.stop()
        for service in reversed(list(self.shared.values())):
            service.stop()
        (self.folder / STATE_FILE).unlink(missing_ok=True)


def node_environment(
    cluster: Cluster, node_id: str, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The settings of one node: the shared stores, its node id, the balancer trusted."""
    return {
        **(extra or {}),
        "BSOL_TRACKER_STORE_URL": cluster.tracker_store_url,
        "BSOL_LOCK_STORE_URL": cluster.lock_store_url,
        "BSOL_NODE_ID": node_id,
        # The balancer's X-Forwarded-For is the client's address (for its rate limit).
        "SANIC_PROXIES_COUNT": "1",
    }


def start_cluster(
    servers: int = 2,
    *,
    folder: Path = CLUSTER_DIR,
    ports: Ports | None = None,
    model: Path = DEFAULT_MODEL,
    environment: Mapping[str, str] | None = None,
) -> Cluster:
    """Start PostgreSQL, Redis, ``servers`` nodes and the balancer; stop all if one fails.

    Raises:
        services.ServiceError: If a service is missing or does not start.
        launcher.StartError: If a node does not start.
    """
    folder.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(folder, ports or Ports(), model)
    try:
        postgresql = services.postgresql(postgresql_folder(folder), cluster.ports.postgresql)
        cluster.shared["postgresql"] = postgresql
        postgresql.start()
        services.create_database(cluster.ports.postgresql, DATABASE)
        cluster.shared["redis"] = services.redis(folder / "redis", cluster.ports.redis)
        cluster.shared["redis"].start()
        for number in range(1, servers + 1):
            start_node(cluster, number, environment)
        start_balancer(cluster)
        cluster.record()
    except BaseException:
        cluster.stop()
        raise
    return cluster


def node_name(number: int) -> str:
    """The node id of the ``number``-th node: ``n1``, ``n2``, ..."""
    return f"n{number}"


def start_node(
    cluster: Cluster, number: int, environment: Mapping[str, str] | None = None
) -> launcher.Stack:
    """Start (or start again) node ``number``: its action server and its Rasa server."""
    name = node_name(number)
    port, action_port = cluster.ports.node(number)
    stack = launcher.start(
        model=cluster.model,
        port=port,
        action_port=action_port,
        tracker_db=cluster.folder / name / "unused.db",  # the tracker store is PostgreSQL
        log_dir=cluster.folder / name,
        environment=node_environment(cluster, name, environment),
    )
    cluster.nodes[name] = stack
    return stack


def start_balancer(cluster: Cluster) -> None:
    """Write nginx.conf for the nodes and start nginx on the balancer's port."""
    run_dir = cluster.folder / "nginx"
    run_dir.mkdir(parents=True, exist_ok=True)
    backends = [Backend(name, "127.0.0.1", stack.port) for name, stack in cluster.nodes.items()]
    config = run_dir / "nginx.conf"
    config.write_text(render_config(cluster.ports.balancer, backends, run_dir), encoding="utf-8")
    cluster.balancer = services.nginx(config, cluster.ports.balancer)
    cluster.balancer.start()


def postgresql_folder(folder: Path) -> Path:
    """Where the cluster in ``folder`` keeps PostgreSQL's log, and its data unless under /tmp."""
    return folder / "postgresql"


def remove_cluster(folder: Path = CLUSTER_DIR) -> list[str]:
    """Stop what the cluster in ``folder`` recorded, then remove its files; return what stopped.

    PostgreSQL's files kept under /tmp (when its user cannot enter ``folder``) go too.
    """
    stopped = stop_recorded(folder)
    services.remove_postgresql_files(postgresql_folder(folder))
    shutil.rmtree(folder, ignore_errors=True)
    return stopped


def stop_recorded(folder: Path = CLUSTER_DIR) -> list[str]:
    """Stop the processes a cluster recorded in its state file; return their names.

    A recorded process id now used by another program (its command differs) is left alone.
    """
    path = folder / STATE_FILE
    if not path.exists():
        return []
    recorded = json.loads(path.read_text(encoding="utf-8"))["processes"]
    stopped = []
    for name, process in recorded.items():  # the supervisor first, PostgreSQL last
        pid = int(process["pid"])
        if services.command_of(pid) != [str(part) for part in process["command"]]:
            continue  # gone already (the supervisor stopped it), or another program's now
        os.kill(pid, signal.SIGTERM)
        stopped.append(name)
        deadline = time.monotonic() + STOP_SECONDS
        while services.command_of(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if services.command_of(pid):
            os.kill(pid, signal.SIGKILL)
    path.unlink(missing_ok=True)
    return stopped

