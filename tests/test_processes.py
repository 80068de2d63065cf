"""tools.processes.run_bounded: its time limit holds for what the command starts."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from tools.processes import run_bounded


def test_the_limit_holds_when_a_child_keeps_the_output_open():
    start = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired) as caught:
        run_bounded(["bash", "-c", "echo begun; sleep 60 & sleep 60"], 1)
    assert time.monotonic() - start < 10
    assert caught.value.output == "begun\n"


def test_output_and_exit_code_come_back_and_no_child_outlives_it():
    done = run_bounded(
        ["bash", "-c", "echo out; echo err >&2; sleep 60 & echo $!; exit 3"],
        10,
    )
    assert done.returncode == 3 and done.stderr == "err\n"
    out, child = done.stdout.split()
    assert out == "out"
    deadline = time.monotonic() + 5  # SIGKILL is sent; dying takes a moment
    while _running(int(child)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(int(child)), "the command's child is still running"


def _running(pid: int) -> bool:
    """Whether ``pid`` runs (a killed process may linger as a zombie until reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
