"""Serve the widget at ``/widget/``: its script (with settings), stylesheet and socket.io client.

Registered as a Rasa input channel (``credentials.yml``) so the Rasa server itself serves the
widget; it handles no messages (the widget talks over the socket.io channel).
"""

import gzip
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.channels.edge import default_edge
from assistant.knowledge import default_knowledge_base
from assistant.widget.config import load_widget_config
from assistant.widget.settings import widget_settings

WIDGET_DIR = Path(__file__).parent
STATIC_DIR = WIDGET_DIR / "static"
SOCKET_IO_CLIENT = WIDGET_DIR / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
SETTINGS_PLACEHOLDER = "/*@settings*/null"
CACHE_SECONDS = 300


class WidgetAssetError(RuntimeError):
    """A widget file is missing or malformed; the message says how to fix it."""


@dataclass(frozen=True)
class Asset:
    """One file as served: plain and gzipped, with its type and entity tag."""

    body: bytes
    gzipped: bytes
    content_type: str
    etag: str

    @classmethod
    def of(cls, body: bytes, content_type: str) -> "Asset":
        """Prepare ``body`` for serving (compressed once, not per request)."""
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        return cls(body, gzip.compress(body, mtime=0), content_type, etag)


def widget_assets(settings: dict[str, Any]) -> dict[str, Asset]:
    """The files served under ``/widget/``, by name; the script carries ``settings``.

    Raises:
        WidgetAssetError: If a file is missing (e.g. ``npm ci`` has not run) or malformed.
    """
    if not SOCKET_IO_CLIENT.exists():
        raise WidgetAssetError(
            f"The socket.io client is missing ({SOCKET_IO_CLIENT}): run `make setup`, which "
            "installs it from npm with `npm ci --prefix assistant/widget`."
        )
    script = (STATIC_DIR / "widget.js").read_text(encoding="utf-8")
    if script.count(SETTINGS_PLACEHOLDER) != 1:
        raise WidgetAssetError(f"widget.js must hold {SETTINGS_PLACEHOLDER!r} exactly once")
    # "</" is escaped so no text in the settings can end a <script> element.
    settings_json = json.dumps(settings, ensure_ascii=False).replace("</", "<\\/")
    javascript = "text/javascript; charset=utf-8"
    return {
        "widget.js": Asset.of(
            script.replace(SETTINGS_PLACEHOLDER, settings_json).encode("utf-8"), javascript
        ),
        "widget.css": Asset.of(
            (STATIC_DIR / "widget.css").read_bytes(), "text/css; charset=utf-8"
        ),
        "socket.io.min.js": Asset.of(SOCKET_IO_CLIENT.read_bytes(), javascript),
    }


def asset_response(request: Request, asset: Asset) -> HTTPResponse:
    """The asset, gzipped when the browser accepts it, or 304 when the browser has it."""
    headers = {
        "Cache-Control": f"public, max-age={CACHE_SECONDS}",
        "ETag": asset.etag,
        "Vary": "Accept-Encoding",
        "X-Content-Type-Options": "nosniff",
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    if request.headers.get("if-none-match") == asset.etag:
        return response.empty(status=304, headers=headers)
    body = asset.body
    if "gzip" in request.headers.get("accept-encoding", ""):
        body, headers["Content-Encoding"] = asset.gzipped, "gzip"
    return response.raw(body, content_type=asset.content_type, headers=headers)


class WidgetInput(InputChannel):
    """Serves the widget's files; configured in ``widget.yml``."""

    @classmethod
    def name(cls) -> str:
        """The channel's name in ``credentials.yml`` and logs."""
        return "widget"

    def url_prefix(self) -> str:
        """Serve at ``/widget/`` (not under ``/webhooks/``): the address partners paste."""
        return "/widget"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Build the files once, at start-up, and serve them."""
        edge = default_edge()
        settings = widget_settings(
            load_widget_config(), edge.registry, edge.machine.can_translate,
            default_knowledge_base(),
        )  # fmt: skip
        assets = widget_assets(settings)
        widget = Blueprint("widget_assets", __name__)

        @widget.route("/<name>", methods=["GET", "HEAD"])
        async def serve(request: Request, name: str) -> HTTPResponse:
            asset = assets.get(name)
            if asset is None:
                return response.json({"error": "Not found"}, status=404)
            return asset_response(request, asset)

        return widget
