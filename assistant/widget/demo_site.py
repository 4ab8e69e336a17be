"""A partner's demo page, served from another origin than the assistant, embedding the widget.

``make run`` serves it so anyone can try the widget as a partner's site would embed it; the
browser tests serve it (and a page from an origin that is not allowed) the same way, and serve
their own test pages (a third-party widget) with :func:`start_site`.

The page is sent as a careful partner would send it: a strict Content-Security-Policy that
allows only the assistant's origin (its script, stylesheet and connections), no inline script
or style, ``nosniff``, and no framing by other sites.
"""

import html
import json
import string
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

DEMO_DIR = Path(__file__).parent / "demo"
PAGE = DEMO_DIR / "index.html"
WEBCHAT_PAGE = DEMO_DIR / "rasa-webchat.html"
STYLESHEET = DEMO_DIR / "demo.css"
HTML = "text/html; charset=utf-8"
CSS = "text/css; charset=utf-8"


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


def assistant_sources(server_url: str) -> tuple[str, str]:
    """The assistant's origin, for CSP: as fetched (``http(s):``) and as a WebSocket (``ws(s):``).

    CSP matches ``ws:`` addresses only against ``ws:`` sources (``'self'`` aside), so a page
    that lists only ``http://assistant`` in ``connect-src`` keeps the widget on long-polling.
    """
    parts = urlsplit(server_url)
    socket_scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{parts.scheme}://{parts.netloc}", f"{socket_scheme}://{parts.netloc}"


def content_security_policy(server_url: str) -> str:
    """The demo page's policy: its own stylesheet, and the widget from ``server_url``."""
    origin, socket_origin = assistant_sources(server_url)
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {origin}",
            f"style-src 'self' {origin}",
            f"connect-src {origin} {socket_origin}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


def page_headers(policy: str) -> dict[str, str]:
    """The headers a page (or a file of it) is served with, under ``policy``."""
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-store",
    }


def demo_page(server_url: str, **options: str) -> bytes:
    """The demo page, embedding the widget of the assistant at ``server_url``."""
    tag = snippet(server_url, **options)
    page = string.Template(PAGE.read_text(encoding="utf-8"))
    return page.substitute(
        snippet=html.escape(tag), tag=tag, policy=html.escape(content_security_policy(server_url))
    ).encode("utf-8")


def rasa_webchat_page(server_url: str, bundle_src: str, custom_data: Mapping[str, str]) -> bytes:
    """A page embedding rasa-webchat (its script at ``bundle_src``), talking to ``server_url``.

    ``custom_data`` is what rasa-webchat sends with every message (``{"language": "ur"}``).
    """

    def script_value(value: object) -> str:
        return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")

    page = string.Template(WEBCHAT_PAGE.read_text(encoding="utf-8"))
    return page.substitute(
        bundle=html.escape(bundle_src),
        server=script_value(server_url.rstrip("/")),
        custom_data=script_value(dict(custom_data)),
    ).encode("utf-8")


@dataclass(frozen=True)
class Served:
    """One file of a site: its body, type and headers."""

    body: bytes
    content_type: str
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass
class DemoSite:
    """A running site; ``url`` is its home page's address (and its origin)."""

    server: ThreadingHTTPServer
    thread: threading.Thread
    host: str

    @property
    def url(self) -> str:
        """The home page's address, with the host name it was asked to serve on."""
        return f"http://{self.host}:{self.server.server_address[1]}/"

    def stop(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def start_site(files: Mapping[str, Served], port: int = 0, host: str = "localhost") -> DemoSite:
    """Serve ``files`` (by path, ``"/"`` the home page) in a background thread; 404 otherwise.

    Raises:
        OSError: If the port is taken.
    """

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the http.server API)
            served = files.get(self.path.split("?")[0])
            if served is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", served.content_type)
            self.send_header("Content-Length", str(len(served.body)))
            for name, value in served.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(served.body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Keep the terminal for the assistant's own output."""

    server = ThreadingHTTPServer((host, port), Handler)
    thread = threading.Thread(target=server.serve_forever, name="demo-site", daemon=True)
    thread.start()
    return DemoSite(server, thread, host)


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
    headers = page_headers(content_security_policy(server_url))
    page = Served(demo_page(server_url, **options), HTML, headers)
    files = {
        "/": page,
        "/index.html": page,
        "/demo.css": Served(STYLESHEET.read_bytes(), CSS, headers),
    }
    return start_site(files, port, host)
