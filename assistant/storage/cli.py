"""``python -m assistant purge``: delete stored conversations older than the retention period.

The server does the same at start-up and once a day; this is for doing it now, or from cron.
``assistant/__main__.py`` adds it with :func:`add_purge_command`.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timezone

EXIT_ERROR = 2


def add_purge_command(commands: argparse._SubParsersAction) -> None:
    """Add ``purge``."""
    purge = commands.add_parser(
        "purge",
        help="delete stored conversations older than the retention period",
        description="Delete the stored conversation events older than the retention period "
        "(BSOL_RETENTION_DAYS, 90 days unless set; 0 keeps them for ever), then give the space "
        "back. The server does this at start-up and once a day too.",
    )
    purge.add_argument(
        "--days",
        type=_days,
        help="delete what is older than this many days (default: $BSOL_RETENTION_DAYS, else 90)",
    )
    purge.add_argument(
        "--db",
        help="the tracker store's SQLAlchemy URL (default: $BSOL_TRACKER_DB_URL, else "
        "sqlite:///var/rasa.db)",
    )
    purge.set_defaults(handler=run_purge)


def run_purge(args: argparse.Namespace) -> int:
    """Delete the old events and say how many; 0, or 2 if the settings or database are wrong."""
    # Imported here, not at the top: every command loads this module, and SQLAlchemy takes a
    # while to import.
    from sqlalchemy.engine import make_url

    from assistant.reports.tracker_events import TrackerDbError, default_db_url
    from assistant.settings import SettingsError, load_settings
    from assistant.storage.retention import cutoff, purge

    try:
        days = load_settings().retention_days if args.days is None else args.days
    except SettingsError as error:
        print(error, file=sys.stderr)
        return EXIT_ERROR
    if days == 0:
        print("The retention period is 0 days: conversations are kept for ever. Nothing deleted.")
        return 0
    url = args.db or default_db_url()
    now = time.time()
    try:
        deleted = purge(url, days, now)
    except TrackerDbError as error:
        print(error, file=sys.stderr)
        return EXIT_ERROR
    since = datetime.fromtimestamp(cutoff(days, now), timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    period = "1 day" if days == 1 else f"{days} days"
    events = "1 event" if deleted == 1 else f"{deleted} events"
    where = make_url(url).render_as_string(hide_password=True)
    print(f"Deleted {events} older than {period} (stored before {since}) from {where}.")
    return 0


def _days(text: str) -> int:
    """An argument that must be a whole number of days, 0 or more."""
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days (0 or more)")
    return int(text)
