"""Debian's headless Chromium for the browser tests: where it is, and how to run it offline.

Skipped when it is missing, except in CI (CI=true), where .ci/run installs it and a missing
browser is a failure. The flags keep it off the network: a fresh profile per call (given by the
caller), no background networking, no component updates, no sync.
"""

from __future__ import annotations

import os
import shutil

import pytest

OFFLINE_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def find_chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("chromium not found in CI: .ci/run installs Debian's chromium package")
    pytest.skip("chromium not installed (apt-get install chromium)")
