"""Headless Chromium and a local server for the browser tests, tools.benchmark and
tools.lab_check: Debian's ``/usr/bin/chromium``
driven by ``/usr/bin/chromedriver``; nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import tempfile
import threading
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# The machine may have no internet: without the networking flags Chromium hangs on
# look-ups it cannot make.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


def make_driver(width: int = 1280, height: int = 1000):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        raise RuntimeError(
            "Browser tests need Debian's Chromium: apt-get install -y chromium chromium-driver "
            "(the README's set-up command does it)."
        )
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS + [
        f"--user-data-dir={tempfile.mkdtemp(prefix='chromium-')}",
        f"--window-size={width},{height}",
    ]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(
        service=Service(str(CHROMEDRIVER)), options=options
    )
    if width < 500:
        # Headless Chromium will not make a window narrower than 500 px: emulate the screen
        # (a desktop viewport, so a page that is too wide scrolls instead of zooming out).
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": width,
                "height": height,
                "deviceScaleFactor": 1,
                "mobile": False,
            },
        )
    return driver


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(site: Path):
    """``site`` served on 127.0.0.1 by a thread of this process; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
