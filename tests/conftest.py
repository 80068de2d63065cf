"""Fixtures for the browser tests: the built site served on 127.0.0.1, and headless Chromium.

The site is the one ``make book`` built in ``_build/html``. Chromium is Debian's ``/usr/bin/chromium``
driven by ``/usr/bin/chromedriver``; nothing is downloaded.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tools.browser import make_driver, serve
from vaecourse.paths import ROOT

HTML = ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def built_site() -> Path:
    """``_build/html``, the book as the README's ``make book`` built it.

    The tests never build the book themselves (``make test`` builds it first, in the reader
    profile), so they cannot leave a quick-profile site behind. To test a site built
    elsewhere, set ``VAECOURSE_SITE`` to its ``_build/html`` folder.
    """
    site = Path(os.environ.get("VAECOURSE_SITE", HTML))
    if not (site / "index.html").exists():
        raise FileNotFoundError(
            f"No built book in {site}: the browser tests read it. Build it first with "
            "`make book` (`make test` does), or `jupyter-book build .` in your own environment."
        )
    return site


@pytest.fixture(scope="session")
def site_url(built_site):
    """Base URL of the built site, served on 127.0.0.1 by a thread of this process."""
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium at desktop width, shared by the session's tests."""
    driver = make_driver()
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def phone_browser():
    """A headless Chromium with a 390 px wide screen, the width of a common phone."""
    driver = make_driver(width=390, height=844)
    yield driver
    driver.quit()
