"""Serve the widget at ``/widget/``: its script (with settings), stylesheet and socket.io client.

Registered as a Rasa input channel (``credentials.yml``) so the Rasa server itself serves the
widget; it handles no messages (the widget talks over the socket.io channel). It also answers
``/widget/origin-check``, which tells a partner's page whether its origin is allowed, and why not.
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
from sanic_cors.core import SANIC_CORS_EVALUATED

from assistant.channels.services import default_services
from assistant.knowledge import default_knowledge_base
from assistant.widget.config import ORIGINS_ENV, WIDGET_FILE, AllowedOrigins, load_widget_config
from assistant.widget.settings import widget_settings

WIDGET_DIR = Path(__file__).parent
STATIC_DIR = WIDGET_DIR / "static"
SOCKET_IO_CLIENT = WIDGET_DIR / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
SETTINGS_PLACEHOLDER = "/*@settings*/null"
CACHE_SECONDS = 300
ORIGIN_CHECK = "origin-check"
# Nothing under /widget/ is a page: opened as a document, it may load, run or frame nothing.
ASSET_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


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
    script_file = STATIC_DIR / "widget.js"
    if not script_file.exists():
        raise WidgetAssetError(
            f"The widget's script is missing ({script_file}): run `make widget`, which builds it "
            "from assistant/widget/src with esbuild."
        )
    script = script_file.read_text(encoding="utf-8")
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


def origin_check(allowed: AllowedOrigins, origin: str | None) -> dict[str, Any]:
    """Whether a page from ``origin`` may connect and, if not, why (for the partner's console).

    The answer comes from the same policy the socket.io channel refuses connections with. It
    names only the origin asked about, never the allow-list.
    """
    if allowed(origin):
        return {"allowed": True, "origin": origin}
    if origin is None:
        reason = (
            "The request carried no Origin header, so it did not come from a web page on another "
            "site; the assistant only accepts pages from the sites in its allow-list."
        )
    elif origin == "null":
        reason = (
            "This page has no origin (Origin: null: a file opened from disk, or a sandboxed "
            "frame), so it cannot be allowed: serve it from an http(s) site in the allow-list."
        )
    else:
        reason = (
            f"This site ({origin}) is not in the assistant's allow-list, so the assistant "
            f"refuses its connections. Ask the assistant's team to add {origin} to "
            f"allowed_origins in {WIDGET_FILE.name} (or to {ORIGINS_ENV})."
        )
    return {"allowed": False, "origin": origin, "reason": reason}


def protective_headers() -> dict[str, str]:
    """The headers every response under ``/widget/`` carries."""
    return {"Content-Security-Policy": ASSET_POLICY, "X-Content-Type-Options": "nosniff"}


def without_rasa_cors(request: Request) -> None:
    """Keep Rasa's app-wide CORS (sanic_cors) off this response: it adds credentials headers.

    Rasa configures sanic_cors with ``supports_credentials``, so a response to a request without
    an Origin header gets ``Access-Control-Allow-Credentials: true``; this channel sets its own
    CORS headers (none, or ``*`` without credentials) and marks the request as handled.
    """
    setattr(request.ctx, SANIC_CORS_EVALUATED, "1")


def asset_response(request: Request, asset: Asset) -> HTTPResponse:
    """The asset, gzipped when the browser accepts it, or 304 when the browser has it."""
    headers = {
        **protective_headers(),
        "Cache-Control": f"public, max-age={CACHE_SECONDS}",
        "ETag": asset.etag,
        "Vary": "Accept-Encoding",
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    if request.headers.get("if-none-match") == asset.etag:
        return response.empty(status=304, headers=headers)
    body = asset.body
    if "gzip" in request.headers.get("accept-encoding", ""):
        body, headers["Content-Encoding"] = asset.gzipped, "gzip"
    return response.raw(body, content_type=asset.content_type, headers=headers)


def origin_check_response(request: Request, allowed: AllowedOrigins) -> HTTPResponse:
    """The origin check as JSON, readable by any page (``*``, never with credentials)."""
    headers = {
        **protective_headers(),
        "Access-Control-Allow-Origin": "*",
        "Cache-Control": "no-store",
        "Vary": "Origin",
    }
    return response.json(origin_check(allowed, request.headers.get("origin")), headers=headers)


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
        services = default_services()
        edge = services.edge
        config = load_widget_config()
        settings = widget_settings(
            config,
            edge.registry,
            edge.translator.can_translate,
            default_knowledge_base(),
            services.settings.max_message_chars,
        )
        assets = widget_assets(settings)
        widget = Blueprint("widget_assets", __name__)

        @widget.route("/<name>", methods=["GET", "HEAD"])
        async def serve(request: Request, name: str) -> HTTPResponse:
            without_rasa_cors(request)
            if name == ORIGIN_CHECK:
                return origin_check_response(request, config.allowed_origins)
            asset = assets.get(name)
            if asset is None:
                return response.json(
                    {"error": "Not found"}, status=404, headers=protective_headers()
                )
            return asset_response(request, asset)

        return widget
