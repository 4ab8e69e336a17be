"""A partner's demo page, served from another origin than the assistant, embedding the widget.

``make run`` serves it so anyone can try the widget as a partner's site would embed it; the
browser tests serve it (and a page from an origin that is not allowed) the same way.
"""

import html
import string
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGE = Path(__file__).parent / "demo" / "index.html"


def snippet(server_url: str, **options: str) -> str:
    """The one tag a partner pastes: the widget script, with optional ``data-`` attributes."""
    attributes = "".join(
        f' data-{name.replace("_", "-")}="{html.escape(value)}"' for name, value in options.items()
    )
    server = html.escape(server_url.rstrip("/"))
    return (
        f'<script src="{server}/widget/widget.js" data-server="{server}"{attributes} '
        "defer></script>"
    )


def demo_page(server_url: str, **options: str) -> bytes:
    """The demo page, embedding the widget of the assistant at ``server_url``."""
    tag = snippet(server_url, **options)
    page = string.Template(PAGE.read_text(encoding="utf-8"))
    return page.substitute(snippet=html.escape(tag), tag=tag).encode("utf-8")


@dataclass
class DemoSite:
    """A running demo site; ``url`` is the page's address (and its origin)."""

    server: ThreadingHTTPServer
    thread: threading.Thread
    host: str

    @property
    def url(self) -> str:
        """The page's address, with the host name it was asked to serve on."""
        return f"http://{self.host}:{self.server.server_address[1]}/"

    def stop(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def start_demo_site(
    server_url: str, port: int = 8080, host: str = "localhost", **options: str
) -> DemoSite:
    """Serve the demo page at ``http://host:port/`` in a background thread.

    Args:
        server_url: The assistant's address (its Rasa server).
        port: The port to serve on (0: any free port).
        host: The address to serve on.
        options: The widget's ``data-`` options (``language="ur"``, ``position="left"``).

    Raises:
        OSError: If the port is taken.
    """
    body = demo_page(server_url, **options)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the http.server API)
            if self.path.split("?")[0] not in ("/", "/index.html"):
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Keep the terminal for the assistant's own output."""

    server = ThreadingHTTPServer((host, port), Handler)
    thread = threading.Thread(target=server.serve_forever, name="demo-site", daemon=True)
    thread.start()
    return DemoSite(server, thread, host)
