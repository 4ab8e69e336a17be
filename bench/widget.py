"""Widget measures: the size a browser downloads, and how soon the launcher is visible."""

import gzip
import statistics
import urllib.request

from playwright.sync_api import sync_playwright

from assistant.widget.demo_site import start_demo_site
from tests.browser import launch_chromium

OWN_FILES = ("widget.js", "widget.css")
LAUNCHER_VISIBLE = """() => {
    const host = document.querySelector("#bsol-assistant");
    const button = host && host.shadowRoot && host.shadowRoot.querySelector(".launcher");
    if (!button) return false;
    const box = button.getBoundingClientRect();
    return box.width > 0 && getComputedStyle(button).position === "fixed";
}"""


def gzipped_kb(server_url: str, names: tuple[str, ...] = OWN_FILES) -> float:
    """The widget's own files as served (the script with its settings), gzipped, in KB."""
    total = 0
    for name in names:
        with urllib.request.urlopen(f"{server_url}/widget/{name}", timeout=10) as reply:
            total += len(gzip.compress(reply.read(), compresslevel=9))
    return total / 1024


def launcher_visible_ms(server_url: str, allowed_port: int, loads: int = 10) -> float:
    """Median milliseconds from navigation start to the launcher drawn, each load cold."""
    site = start_demo_site(server_url, port=allowed_port, host="127.0.0.1")
    timings = []
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for _ in range(loads):
                context = browser.new_context()
                page = context.new_page()
                page.goto(site.url)
                page.wait_for_function(LAUNCHER_VISIBLE, polling="raf")
                timings.append(page.evaluate("() => performance.now()"))
                context.close()
            browser.close()
    finally:
        site.stop()
    return statistics.median(timings)
