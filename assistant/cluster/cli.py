"""``python -m assistant cluster``: start a cluster and keep it running, stop one, or remove it."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from assistant import launcher
from assistant.cluster.cluster import (
    CLUSTER_DIR,
    Ports,
    remove_cluster,
    start_cluster,
    stop_recorded,
)
from assistant.cluster.services import ServiceError
from assistant.paths import DEFAULT_MODEL
from assistant.settings import SettingsError


def add_cluster_command(commands: argparse._SubParsersAction) -> None:
    """Add ``cluster start``, ``cluster stop`` and ``cluster remove``."""
    cluster = commands.add_parser("cluster", help="several Rasa servers behind a balancer")
    actions = cluster.add_subparsers(dest="cluster_command", required=True)
    start = actions.add_parser("start", help="start PostgreSQL, Redis, N servers and nginx")
    start.add_argument("--servers", type=int, default=2, help="how many Rasa servers (2)")
    start.add_argument("--port", type=int, default=5005, help="the balancer's port (5005)")
    start.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="the trained model")
    start.add_argument("--folder", type=Path, default=CLUSTER_DIR, help=argparse.SUPPRESS)
    start.set_defaults(handler=run_start)
    stop = actions.add_parser("stop", help="stop exactly what `cluster start` started")
    stop.add_argument("--folder", type=Path, default=CLUSTER_DIR, help=argparse.SUPPRESS)
    stop.set_defaults(handler=run_stop)
    remove = actions.add_parser("remove", help="stop the cluster and remove all its files")
    remove.add_argument("--folder", type=Path, default=CLUSTER_DIR, help=argparse.SUPPRESS)
    remove.set_defaults(handler=run_remove)


def run_start(args: argparse.Namespace) -> int:
    """Start the cluster, keep each node running (restarting one that dies) until stopped."""
    if args.servers < 1:
        print("--servers must be at least 1.", file=sys.stderr)
        return 2
    stopping = threading.Event()

    def stop(*_: object) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        cluster = start_cluster(args.servers, folder=args.folder,
                                ports=Ports(balancer=args.port), model=args.model)  # fmt: skip
    except (ServiceError, launcher.StartError, SettingsError) as error:
        print(error, file=sys.stderr)
        return 1
    cluster.record(supervisor=True)
    print(
        f"\nThe cluster is running: {args.servers} Rasa servers behind nginx.\n"
        f"  Widget script: {cluster.url}/widget/widget.js\n"
        f"  REST:          POST {cluster.url}/webhooks/rest/webhook\n"
        f"  socket.io:     {cluster.url}/socket.io\n"
        f"  Health:        {cluster.url}/webhooks/rest/ (\"degraded\" while Redis is away)\n"
        f"Stop it with Ctrl+C or `make stop-cluster`.\n",
        flush=True,
    )
    watchers = [
        threading.Thread(target=launcher.supervise, args=(stack,), daemon=True)
        for stack in cluster.nodes.values()
    ]
    for watcher in watchers:
        watcher.start()
    try:
        stopping.wait()
    finally:
        for stack in cluster.nodes.values():
            stack.stopping.set()
        cluster.stop()
    launcher.say_on_stderr("The cluster has stopped.")
    return 0


def run_stop(args: argparse.Namespace) -> int:
    """Stop the processes the running cluster recorded, and only those."""
    stopped = stop_recorded(args.folder)
    print(f"Stopped: {', '.join(stopped)}." if stopped else "No cluster was running.")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    """Stop the running cluster, if any, and remove its files (``make clean``)."""
    stopped = remove_cluster(args.folder)
    print(f"Stopped: {', '.join(stopped)}. " if stopped else "", end="")
    print(f"Removed the cluster's files ({args.folder} and PostgreSQL's).")
    return 0
