"""Ctrl-C stops every service cleanly; a bad setting stops start-up with one sentence."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.e2e.conftest import ROOT, started_stack


def test_ctrl_c_stops_all_three_services(tmp_path: Path) -> None:
    with started_stack(tmp_path) as stack:
        urls = [f"{stack.app_url}/health", f"{stack.actions_url}/health", f"{stack.rasa_url}/"]
        assert all(httpx.get(url).status_code == 200 for url in urls)
        stack.process.send_signal(signal.SIGINT)
        assert stack.process.wait(timeout=60) == 0
    assert "wegwijs | stopped." in stack.output
    for url in urls:
        try:
            httpx.get(url, timeout=2)
        except httpx.ConnectError:
            continue
        raise AssertionError(f"{url} still answers after Ctrl-C")


def test_invalid_setting_stops_start_up_with_one_sentence(tmp_path: Path) -> None:
    env = {**os.environ, "WEGWIJS_DATA_DIR": str(tmp_path), "WEGWIJS_LOCK_STORE": "zookeeper"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "Wegwijs cannot start: WEGWIJS_LOCK_STORE must be one of in_memory, redis, not 'zookeeper'."
    )
