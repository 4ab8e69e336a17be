"""``python -m assistant shell``: a conversation with the assistant in the terminal.

It talks to the assistant through the same REST channel as any client, so replies are exactly
what residents get, in any supported language (``--language ur``). Without ``--server`` it
starts the assistant for the length of the conversation (logs in ``var/logs``).
"""

import argparse
import json
import sys
import urllib.error
import urllib.request
from collections.abc import Iterable
from typing import IO, Any

from assistant import launcher
from assistant.language import default_registry
from assistant.launcher import free_port
from assistant.paths import VAR_DIR

QUIT = ("/quit", "/exit")


def add_shell_command(commands: argparse._SubParsersAction) -> None:
    """Add ``shell``: talk to the assistant in the terminal."""
    shell = commands.add_parser(
        "shell",
        help="talk to the assistant in the terminal",
        description="Talk to the assistant in the terminal. Type a question; type the number of "
        "a button to press it; /quit (or Ctrl+D) ends.",
    )
    shell.add_argument(
        "--language", help="answer in this language (e.g. ur, pl), as if chosen in the widget"
    )
    shell.add_argument(
        "--server", help="an assistant already running (e.g. http://localhost:5005)"
    )
    shell.set_defaults(handler=run_shell)


def run_shell(args: argparse.Namespace) -> int:
    """Hold a conversation on standard input and output; 0 when it ends normally."""
    registry = default_registry()
    if args.language and registry.get(args.language) is None:
        print(
            f"Unknown language {args.language!r}: choose one of {', '.join(registry.codes)}.",
            file=sys.stderr,
        )
        return 2
    if args.server:
        return converse(args.server.rstrip("/"), args.language, sys.stdin, sys.stdout)
    print("Starting the assistant (about 30 seconds)...", flush=True)
    try:
        with launcher.running(
            port=free_port(), action_port=free_port(), log_dir=VAR_DIR / "logs" / "shell"
        ) as stack:
            return converse(stack.url, args.language, sys.stdin, sys.stdout)
    except launcher.StartError as error:
        print(error, file=sys.stderr)
        return 1


def converse(server: str, language: str | None, lines: Iterable[str], out: IO[str]) -> int:
    """Send each line to the assistant at ``server`` and print its replies."""
    sender: str | None = None  # the server issues the conversation's id with its first reply
    buttons: list[dict[str, Any]] = []
    print("Ask a question (/quit to end).", file=out, flush=True)
    for line in lines:
        text = line.strip()
        if text in QUIT:
            break
        if not text:
            continue
        if text.isdigit() and 1 <= int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        try:
            replies = ask(server, sender, text, language)
        except (urllib.error.URLError, OSError) as error:
            print(f"Could not reach the assistant at {server}: {error}", file=out, flush=True)
            return 1
        sender = next((r["recipient_id"] for r in replies if r.get("recipient_id")), sender)
        buttons = show(replies, out)
    return 0


def ask(
    server: str, sender: str | None, text: str, language: str | None
) -> list[dict[str, Any]]:
    """One message through the REST channel (``sender``: the conversation's id, if it has one)."""
    metadata = {"language": language} if language else {}
    body = {"sender": sender, "message": text, "metadata": metadata}
    request = urllib.request.Request(
        f"{server}/webhooks/rest/webhook",
        data=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as reply:
        return list(json.loads(reply.read()))


def show(replies: list[dict[str, Any]], out: IO[str]) -> list[dict[str, Any]]:
    """Print the replies, numbering their buttons; the buttons, so a number can press one."""
    buttons: list[dict[str, Any]] = []
    for reply in replies:
        if reply.get("text"):
            print(f"\n{reply['text']}", file=out)
        for button in reply.get("buttons") or []:
            buttons.append(button)
            print(f"  [{len(buttons)}] {button['title']}", file=out)
    print(file=out, flush=True)
    return buttons
