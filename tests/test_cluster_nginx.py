"""The balancer's configuration: valid for nginx, sticky socket.io by session id, REST spread."""

import subprocess

from assistant.cluster.nginx import Backend, render_config

BACKENDS = [Backend("n1", "127.0.0.1", 5101), Backend("n2", "127.0.0.1", 5102)]


def test_socketio_requests_follow_the_node_id_in_their_session_id():
    config = render_config(5005, BACKENDS, "/tmp/run")  # type: ignore[arg-type]
    assert "~^n1- node_n1;" in config and "~^n2- node_n2;" in config
    assert "upstream node_n1 { server 127.0.0.1:5101; }" in config
    assert "proxy_pass http://$socket_upstream;" in config
    assert "least_conn;" in config and "server 127.0.0.1:5102 max_fails=1" in config
    assert "listen 127.0.0.1:5005;" in config
    assert r"~127\.0\.0\.1:5102$ n2;" in config  # X-Served-By names the last server tried


def test_nginx_accepts_the_configuration(tmp_path):
    """Debian's nginx (make test installs it: make cluster-packages) checks the file."""
    config = tmp_path / "nginx.conf"
    config.write_text(render_config(5005, BACKENDS, tmp_path))
    done = subprocess.run(
        ["/usr/sbin/nginx", "-t", "-c", str(config), "-p", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
