"""The widget's deployment settings (``widget.yml``): allowed origins and time-outs.

``BSOL_ALLOWED_ORIGINS`` (comma- or space-separated) adds origins without editing the file.
"""

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from assistant.paths import PROJECT_ROOT

WIDGET_FILE = PROJECT_ROOT / "widget.yml"
ORIGINS_ENV = "BSOL_ALLOWED_ORIGINS"


class WidgetConfigError(ValueError):
    """The settings are wrong; the message names the file or variable and the entry."""


@dataclass(frozen=True)
class AllowedOrigins:
    """The origins whose pages may talk to the assistant; callable as socket.io's origin check."""

    origins: frozenset[str]

    def __call__(self, origin: str | None) -> bool:
        """Whether a page from ``origin`` (the browser's Origin header) may connect."""
        return origin is not None and origin.lower().rstrip("/") in self.origins


@dataclass(frozen=True)
class WidgetConfig:
    """The widget's settings.

    Attributes:
        allowed_origins: The sites that may embed the widget.
        reply_timeout_seconds: How long the widget waits for a reply before offering a retry.
        connect_timeout_seconds: How long it waits for a connection before saying so.
    """

    allowed_origins: AllowedOrigins
    reply_timeout_seconds: float = 20.0
    connect_timeout_seconds: float = 10.0


def normalise_origin(value: object) -> str:
    """``scheme://host[:port]`` in lower case, as browsers send it in the Origin header.

    Raises:
        WidgetConfigError: If ``value`` is not an http(s) origin (has a path, is "*", ...).
    """
    text = str(value).strip().rstrip("/")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise WidgetConfigError(f"{value!r} is not an origin: {error}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WidgetConfigError(f"{value!r} is not an origin: expected http(s)://host[:port]")
    if parts.path or parts.query or parts.fragment or parts.username:
        raise WidgetConfigError(
            f"{value!r} is not an origin: remove the path, e.g. {parts.scheme}://{parts.netloc}"
        )
    return f"{parts.scheme}://{parts.hostname}" + (f":{port}" if port is not None else "")


def load_widget_config(
    path: Path = WIDGET_FILE, environ: Mapping[str, str] = os.environ
) -> WidgetConfig:
    """Read the settings file, adding the origins in ``BSOL_ALLOWED_ORIGINS``.

    Raises:
        WidgetConfigError: If the file or the variable holds a wrong entry; the message says where.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    data = data or {}
    if not isinstance(data, dict):
        raise WidgetConfigError(f"{path.name}: expected a mapping of settings")
    listed = data.get("allowed_origins") or []
    if not isinstance(listed, list):
        raise WidgetConfigError(f"{path.name}: 'allowed_origins' must be a list of origins")
    extra = environ.get(ORIGINS_ENV, "").replace(",", " ").split()
    origins = _normalised(listed, path.name) + _normalised(extra, ORIGINS_ENV)
    return WidgetConfig(
        AllowedOrigins(frozenset(origins)),
        _seconds(data, "reply_timeout_seconds", 20.0, path),
        _seconds(data, "connect_timeout_seconds", 10.0, path),
    )


def _normalised(values: Iterable[object], where: str) -> list[str]:
    origins = []
    for value in values:
        try:
            origins.append(normalise_origin(value))
        except WidgetConfigError as error:
            raise WidgetConfigError(f"{where}: {error}") from None
    return origins


def _seconds(data: dict, key: str, default: float, path: Path) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 1 <= value <= 300:
        raise WidgetConfigError(f"{path.name}: '{key}' must be a number of seconds from 1 to 300")
    return float(value)
