"""The ``packs`` command: ``python -m assistant packs list | install TARGET | remove FROM TO``.

``assistant/__main__.py`` adds it with :func:`add_packs_parser` and runs it with
:func:`run_packs`. Packs live in ``$BSOL_ARGOS_DIR/packages`` (default ``var/argos/packages``);
installing by language code reads ``$BSOL_ARGOS_INDEX`` (default: Argos's online index).
"""

from __future__ import annotations

import argparse
import sys

from assistant.translation import argos_runtime, packs

EXIT_OK = 0
EXIT_ERROR = 2


def add_packs_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``packs`` command and its ``list``, ``install`` and ``remove`` actions.

    Args:
        subparsers: The object ``ArgumentParser.add_subparsers()`` returned.

    Returns:
        The ``packs`` parser.
    """
    parser = subparsers.add_parser(
        "packs",
        help="list, install or remove offline translation packs",
        description="List, install or remove the offline translation packs in "
        "$BSOL_ARGOS_DIR/packages (default var/argos/packages).",
    )
    actions = parser.add_subparsers(dest="packs_action", required=True)
    actions.add_parser("list", help="list the installed packs")
    install = actions.add_parser("install", help="install packs")
    install.add_argument(
        "target",
        help="a .argosmodel file, a folder of them, or a language code (e.g. pl) to download "
        "its packs to and from English from the package index",
    )
    remove = actions.add_parser("remove", help="remove the pack for a language pair")
    remove.add_argument("from_code", help="the language the pack translates from")
    remove.add_argument("to_code", help="the language the pack translates into")
    return parser


def run_packs(args: argparse.Namespace) -> int:
    """Run a parsed ``packs`` command.

    Returns:
        0 on success; 2 after printing one line to standard error if it failed.
    """
    try:
        if args.packs_action == "list":
            _list()
        elif args.packs_action == "install":
            for pack in packs.install(args.target):
                print(f"installed {_describe(pack)}")
        else:
            pack = packs.remove(args.from_code, args.to_code)
            print(f"removed {_describe(pack)}")
    except (packs.PackError, OSError) as error:
        print(f"packs {args.packs_action}: {error}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


def _list() -> None:
    installed = packs.installed()
    if not installed:
        print(f"no packs installed in {argos_runtime.packages_dir()}")
    for pack in installed:
        print(_describe(pack))


def _describe(pack: packs.InstalledPack) -> str:
    names = f"  ({pack.from_name} -> {pack.to_name})" if pack.from_name and pack.to_name else ""
    return f"{pack.from_code} -> {pack.to_code}  version {pack.version or '?'}{names}"
