"""Headless Debian Chromium through Selenium, for the browser tests (marker `browser`).

Debian's packages: `apt-get install -y chromium chromium-driver` (/usr/bin/chromium, /usr/bin/chromedriver).
The flags keep Chromium off the network (this machine reaches nothing but loopback and the package registries),
and a fresh profile folder per browser keeps runs independent.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
         "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-features=Translate",
         "--lang=en-GB", "--hide-scrollbars", "--force-color-profile=srgb")


def require_chromium() -> None:
    """Skip when Chromium or Selenium is missing; fail instead under CI, where they must be installed."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package")
    if missing:
        message = (f"browser tests need {', '.join(missing)}: `apt-get install -y chromium chromium-driver` "
                   "and `pip install -e '.[test]'`")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@contextmanager
def chromium(width: int = 1280, height: int = 900) -> Iterator["selenium.webdriver.Chrome"]:  # noqa: F821
    """A headless Chromium with its console log readable through `driver.get_log("browser")`."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="lscb-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={width},{height}")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    try:
        driver.set_page_load_timeout(30)
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
