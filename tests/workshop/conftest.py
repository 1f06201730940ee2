"""A workshop server on a free local port, and headless Chromium browsers driving it.

The browser is Debian's ``chromium`` with its ``chromedriver`` (package ``chromium-driver``);
nothing is downloaded. Without them the browser test is skipped and says why.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
NO_BROWSER = "no browser: install Debian's chromium and chromium-driver to run this test"


@dataclass
class Server:
    url: str
    key: str
    process: subprocess.Popen[str]
    output: list[str]
    """What the server printed (shown when a test fails)."""

    def stop(self) -> None:
        print("".join(self.output))
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(state: Path, port: int) -> Server:
    """``supplysim workshop`` as a user starts it; returns once it has printed its links."""
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", "workshop", "--state", str(state), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # As a user starts it: NiceGUI takes its port from elsewhere when it sees pytest.
        env={k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line)
        found = re.search(r"/facilitator/(\S+)", line)
        if found:
            server = Server(f"http://127.0.0.1:{port}", found.group(1), process, lines)
            break
    else:
        raise AssertionError("the server did not start:\n" + "".join(lines))
    # Keep reading what it says, so that it never blocks on a full pipe.
    threading.Thread(target=lines.extend, args=(process.stdout,), daemon=True).start()
    # The links are printed before the server listens: wait until it accepts connections.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.1)
    server.stop()
    raise AssertionError("the server never listened:\n" + "".join(lines))


@pytest.fixture
def browsers() -> Iterator[list[object]]:
    """Three headless browsers: the facilitator's and two participants'."""
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip(NO_BROWSER)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    drivers = []
    try:
        for _ in range(3):
            options = webdriver.ChromeOptions()
            options.binary_location = CHROMIUM
            for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
                options.add_argument(flag)
            options.add_argument("--window-size=1280,800")
            drivers.append(webdriver.Chrome(options=options, service=Service(CHROMEDRIVER)))
        yield drivers
    finally:
        for driver in drivers:
            driver.quit()


@pytest.fixture
def screenshots() -> Path | None:
    """Where to save screenshots of every screen, if ``WORKSHOP_SCREENSHOTS`` names a folder."""
    folder = os.environ.get("WORKSHOP_SCREENSHOTS")
    if not folder:
        return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder)
