"""The ``endpoints.yml`` sections for stores that several servers share, from the settings.

With ``BSOL_TRACKER_STORE_URL`` set, conversations are kept in PostgreSQL (the same resilient
store as on one machine); with ``BSOL_LOCK_STORE_URL``, each conversation's lock is kept in Redis
(:class:`~assistant.storage.lock_store.ResilientRedisLockStore`). Unset, ``endpoints.yml``'s own
sections stay: SQLite in ``var/`` and a lock in the server's memory.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from assistant.settings import Settings

TRACKER_STORE = "assistant.storage.tracker_store.ResilientSQLTrackerStore"
LOCK_STORE = "assistant.storage.lock_store.ResilientRedisLockStore"
POSTGRESQL_PORT = 5432
REDIS_PORT = 6379
# Redis keys of this assistant's locks start with it (several apps may share one Redis).
LOCK_KEY_PREFIX = "bsol"


def shared_store_sections(settings: Settings) -> dict[str, dict[str, Any]]:
    """``tracker_store`` and ``lock_store`` sections for the shared stores the settings name."""
    sections: dict[str, dict[str, Any]] = {}
    if settings.tracker_store_url:
        url = urllib.parse.urlsplit(settings.tracker_store_url)
        sections["tracker_store"] = {
            "type": TRACKER_STORE,
            "dialect": "postgresql",
            "url": url.hostname,
            "port": url.port or POSTGRESQL_PORT,
            "db": url.path.lstrip("/") or "rasa",
            "username": urllib.parse.unquote(url.username or ""),
            "password": urllib.parse.unquote(url.password or ""),
        }
    if settings.lock_store_url:
        url = urllib.parse.urlsplit(settings.lock_store_url)
        sections["lock_store"] = {
            "type": LOCK_STORE,
            "url": url.hostname,
            "port": url.port or REDIS_PORT,
            "db": int(url.path.lstrip("/") or 0),
            "password": urllib.parse.unquote(url.password or "") or None,
            "key_prefix": LOCK_KEY_PREFIX,
        }
    return sections
