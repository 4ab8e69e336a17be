"""``python -m assistant directory import``: refresh the GP practice and PCN directory.

``assistant/__main__.py`` adds it with :func:`add_directory_command`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistant.paths import PROJECT_ROOT

SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
EXIT_REFUSED = 1


def add_directory_command(commands: argparse._SubParsersAction) -> None:
    """Add ``directory import``."""
    directory = commands.add_parser("directory", help="GP practices and PCNs: import the data")
    actions = directory.add_subparsers(dest="directory_command", required=True)
    run = actions.add_parser(
        "import",
        help="read and check the published files; write data/directory and var/directory",
        description="Read NHS England's practice-to-PCN mapping, ODS epraccur and ePCN, the ICS's "
        "locality lookup and the ONS postcode locations; check them; write data/directory/ "
        "(committed) and var/directory/postcodes.csv. Nothing is written if a check fails.",
    )
    practices = SHARED_DATA / "gp-practices"
    for option, default in (
        ("--mapping", f"the gp-reg-pat-prac-map_*.csv in {practices}"),
        ("--epraccur", practices / "epraccur.csv"),
        ("--epcn", practices / "ePCN.xlsx"),
        ("--localities", f"the better-GP-lookup-*.csv in {practices}"),
        ("--postcodes", f"{SHARED_DATA / 'postcodes'} (a folder of <area>.csv)"),
        ("--readme", f"{SHARED_DATA / 'README.md'} (it gives the attribution)"),
        ("--data-dir", "data/directory (where the committed data is written)"),
        ("--build-dir", "var/directory (where the postcode lookup is written)"),
    ):
        run.add_argument(option, type=Path, help=f"default: {default}")
    run.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace) -> int:
    """Import, check and write; 0, or 1 with the file and row of the problem."""
    from assistant.directory.importer import DirectoryFileError, SourceFiles, import_directory
    from assistant.directory.store import BUILD_DIR, DIRECTORY_DIR, write_directory

    try:
        files = SourceFiles.in_folder(
            SHARED_DATA,
            mapping=args.mapping,
            epraccur=args.epraccur,
            epcn=args.epcn,
            localities=args.localities,
            postcodes=args.postcodes,
            readme=args.readme,
        )
        directory = import_directory(files)
    except DirectoryFileError as error:
        print(f"Not imported, nothing written: {error}", file=sys.stderr)
        return EXIT_REFUSED
    written = write_directory(directory, args.data_dir or DIRECTORY_DIR,
                              args.build_dir or BUILD_DIR)  # fmt: skip
    for note in directory.notes:
        print(f"Note: {note}")
    west = sum(practice.west_birmingham for practice in directory.practices)
    print(f"{len(directory.practices)} practices ({west} West Birmingham) in "
          f"{len(directory.pcns)} PCNs, {len(directory.postcodes)} postcodes in "
          f"{len(directory.districts)} districts. Wrote:")  # fmt: skip
    for path in written:
        print(f"  {_shown(path)}")
    return 0


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
