"""Command line: ``python -m assistant <command>``; ``python -m assistant --help`` lists them.

Each command lives in its own module and adds itself with one function in ``COMMANDS``: it adds
its parser and sets ``handler``, the function that runs it and returns the exit code.
"""

import argparse
import signal
import sys
import threading
from pathlib import Path

from assistant import launcher
from assistant.authoring.cli import add_kb_command
from assistant.checks.cli import add_validate_command
from assistant.cluster.cli import add_cluster_command
from assistant.directory.cli import add_directory_command
from assistant.paths import DEFAULT_MODEL, VAR_DIR
from assistant.reports.cli import add_report_command
from assistant.settings import SettingsError, load_settings
from assistant.shell import add_shell_command
from assistant.storage.cli import add_purge_command
from assistant.translation.cli import add_packs_parser, run_packs
from assistant.widget.config import WidgetConfigError, load_widget_config
from assistant.widget.demo_site import start_demo_site


def add_serve_parser(commands: argparse._SubParsersAction) -> None:
    """Add ``serve``: start the assistant and the widget's demo page."""
    serve = commands.add_parser("serve", help="start the action server and the Rasa server")
    serve.add_argument("--port", type=int, default=5005, help="the Rasa server's port")
    serve.add_argument("--action-port", type=int, default=5055, help="the action server's port")
    serve.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="the trained model")
    serve.add_argument(
        "--demo-port", type=int, default=8080, help="the widget demo page's port (another origin)"
    )
    serve.add_argument(
        "--tracker-db", type=Path, default=VAR_DIR / "rasa.db", help="SQLite conversation store"
    )
    serve.set_defaults(handler=_serve)


def add_packs_command(commands: argparse._SubParsersAction) -> None:
    """Add ``packs``: list, install or remove translation packs."""
    add_packs_parser(commands).set_defaults(handler=run_packs)


COMMANDS = (
    add_serve_parser,
    add_packs_command,
    add_shell_command,
    add_report_command,
    add_validate_command,
    add_kb_command,
    add_purge_command,
    add_directory_command,
    add_cluster_command,
)


def main(argv: list[str] | None = None) -> int:
    """Run the command named on the command line and return its exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m assistant", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for add_command in COMMANDS:
        add_command(commands)
    args = parser.parse_args(argv)
    return int(args.handler(args))


def _serve(args: argparse.Namespace) -> int:
    """Start everything, keep it running (restarting a server that dies) until SIGTERM/SIGINT."""
    stopping = threading.Event()

    def stop(*_: object) -> None:
        if not stopping.is_set():  # only a flag: the loops below look at it
            stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        settings = load_settings()
        load_widget_config()  # a wrong allow-list stops here, named, not inside the server
        try:  # first, so that its port is held before the servers take a minute to start
            demo = start_demo_site(launcher.server_url(settings.host, args.port), args.demo_port)
        except OSError as error:
            raise launcher.StartError(
                f"Port {args.demo_port}, for the widget demo page, cannot be used "
                f"({error.strerror}). Choose another port with --demo-port (DEMO_PORT=... for "
                "make run)."
            ) from None
    except (launcher.StartError, SettingsError, WidgetConfigError) as error:
        print(error, file=sys.stderr)
        return 1
    try:
        stack = launcher.start(
            model=args.model,
            port=args.port,
            action_port=args.action_port,
            tracker_db=args.tracker_db,
            allowed_origins=demo_origins(args.demo_port),
            settings=settings,
            stopping=stopping,
        )
    except launcher.Stopped:
        demo.stop()
        return 0
    except launcher.StartError as error:
        demo.stop()
        print(error, file=sys.stderr)
        return 1
    print(
        f"\nThe assistant is running.\n"
        f"  Widget demo page: {demo.url}\n"
        f"  Widget script:    {stack.url}/widget/widget.js\n"
        f"  REST:             POST {stack.url}/webhooks/rest/webhook  "
        f'{{"message": "What is the ICS?"}} (to go on: "sender": the reply\'s recipient_id)\n'
        f"  socket.io:        {stack.url}/socket.io\n"
        f"Press Ctrl+C to stop.\n",
        flush=True,
    )
    try:
        launcher.supervise(stack)
    finally:
        stack.stop()
        demo.stop()
    launcher.say_on_stderr("The assistant has stopped.")
    return 0


def demo_origins(port: int) -> list[str]:
    """The demo page's origins, as a browser may send them."""
    return [f"http://localhost:{port}", f"http://127.0.0.1:{port}"]


if __name__ == "__main__":
    sys.exit(main())
