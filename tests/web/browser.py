"""A real headless Chromium for page tests (Debian's ``chromium`` and ``chromium-driver``)."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# Chromium's background services try to reach Google; the network here is closed.
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1600",
]


def chromium_driver():
    """Return a Selenium driver for headless Chromium, or skip (fail in CI) saying why."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(p)]
    if missing:
        reason = (
            f"headless Chromium is not installed ({', '.join(missing)} missing): "
            "apt-get install chromium chromium-driver (.ci/run does this)"
        )
        # `make test` sets the second after installing the browser, so nothing skips there.
        required = ("DASTAN_TEST_REQUIRE_SERVICES", "DASTAN_TEST_REQUIRE_BROWSER")
        if any(os.environ.get(name) == "1" for name in required):
            pytest.fail(reason)
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='dastan-chromium-')}")
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
