"""The action server: rasa-sdk's app, on 127.0.0.1 only, answering only the assistant's token.

``python -m assistant.action_server --port N`` with the token in ``BSOL_ACTION_TOKEN`` (the
launcher makes a fresh one per start and gives Rasa the same one in ``endpoints.yml``). Every
route but ``/health`` needs ``Authorization: Bearer <token>``; an error never echoes the request
(a whole conversation) and is logged without the exception's text.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import socket
import sys
import traceback
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rasa-sdk and Sanic load only in the server, not in the launcher
    from sanic import Sanic
    from sanic.request import Request
    from sanic.response import HTTPResponse

HOST = "127.0.0.1"
TOKEN_ENV = "BSOL_ACTION_TOKEN"
OPEN_PATHS = frozenset({"/health", "/health/"})
DEFAULT_PORT = 5055
LOG_LEVEL_ENV = "LOG_LEVEL"

logger = logging.getLogger(__name__)


def authorised(header: str | None, token: str) -> bool:
    """Whether an ``Authorization`` header carries ``token`` (compared in constant time)."""
    given = (header or "").encode("utf-8", "replace")
    return hmac.compare_digest(given, f"Bearer {token}".encode())


def create_app(token: str, actions: str = "actions") -> Sanic:
    """Rasa-sdk's app for the ``actions`` package, behind the token and with plain errors.

    Raises:
        ValueError: If ``token`` is empty.
    """
    from rasa_sdk.endpoint import create_app as create_sdk_app
    from sanic import response

    if not token:
        raise ValueError("The action server needs a token.")
    app = create_sdk_app(actions, cors_origins=None)  # only Rasa calls it, never a browser

    @app.on_request
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS or authorised(request.headers.get("Authorization"), token):
            return None
        return response.json(
            {"error": "This server answers only the assistant: the token is missing or wrong."},
            status=401,
            headers={"WWW-Authenticate": "Bearer"},
        )

    # Replaces rasa-sdk's handler, which answers with the request body and logs the exception.
    app.error_handler.add(Exception, plain_error)
    return app


def plain_error(request: Request, exception: Exception) -> HTTPResponse:
    """An error response that says only what went wrong in general, never the request."""
    from sanic import response
    from sanic.exceptions import SanicException

    if isinstance(exception, SanicException):
        status = HTTPStatus(exception.status_code)
        return response.json({"error": status.phrase}, status=status.value)
    frames = "".join(traceback.format_list(traceback.extract_tb(exception.__traceback__)))
    # The exception's text may quote the conversation, so only its type and where it happened.
    logger.error(
        "An action failed with %s (%s %s); where:\n%s",
        type(exception).__name__, request.method, request.path, frames,
    )  # fmt: skip
    return response.json({"error": "The action failed; the server log says where."}, status=500)


def listen(port: int) -> socket.socket:
    """A socket bound to 127.0.0.1:``port``.

    Bound before the actions load, so that a taken port is known at once.

    Raises:
        OSError: If the port is taken or cannot be used.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((HOST, port))
    except OSError:
        sock.close()
        raise
    return sock


def log_level(environ: Mapping[str, str]) -> int:
    """The level set in ``LOG_LEVEL`` (as the Rasa server reads it), else INFO."""
    level = logging.getLevelName(environ.get(LOG_LEVEL_ENV, "").strip().upper())
    return level if isinstance(level, int) else logging.INFO


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] = os.environ) -> int:
    """Run the action server until SIGTERM or SIGINT; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m assistant.action_server", description=(
        __doc__ or "").splitlines()[0])  # fmt: skip
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="the port on 127.0.0.1")
    parser.add_argument("--actions", default="actions", help="the package the actions are in")
    args = parser.parse_args(argv)
    token = environ.get(TOKEN_ENV, "").strip()
    if not token:
        print(
            f"The action server needs a token in {TOKEN_ENV} (the launcher, "
            "`python -m assistant serve`, makes one).",
            file=sys.stderr,
        )
        return 2
    try:
        sock = listen(args.port)
    except OSError as error:
        print(
            f"The action server cannot listen on {HOST}:{args.port}: {error.strerror}. "
            "Choose another port with --action-port (ACTION_PORT=... for make run).",
            file=sys.stderr,
        )
        return 1
    from rasa_sdk import utils
    from rasa_sdk.plugin import plugin_manager

    utils.configure_colored_logging(log_level(environ))
    utils.update_sanic_log_level()
    app = create_app(token, args.actions)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    logger.info("The action server is listening on http://%s:%s", HOST, args.port)
    app.run(sock=sock, workers=1, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
