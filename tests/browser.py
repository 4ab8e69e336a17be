"""Debian's Chromium, driven by Playwright, for the widget's browser tests and benchmarks.

Playwright never downloads a browser here: it launches ``/usr/bin/chromium`` (``make test``
installs it). The flags keep Chromium off the network it would otherwise try to reach.
"""

import json
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, Playwright

from assistant.paths import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",  # the tests may run as root (CI)
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
AXE = PROJECT_ROOT / "assistant" / "widget" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def launch_chromium(playwright: Playwright) -> Browser:
    """Start headless Debian Chromium."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(f"{CHROMIUM} is missing: `make test` installs Debian's chromium.")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """The WCAG 2.2 A and AA violations axe-core finds on the page (widget included)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA
    )
    return [
        {
            "id": violation["id"],
            "help": violation["help"],
            "nodes": [json.dumps(node["target"]) for node in violation["nodes"]],
        }
        for violation in result["violations"]
    ]
