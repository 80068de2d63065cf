"""tools/ensure_debian_packages.sh: silent when everything is there; without root, stops at
once and prints the one command that installs what is missing."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from vaecourse.paths import ROOT

SCRIPT = ROOT / "tools" / "ensure_debian_packages.sh"


def _run(*specs, as_user=None):
    command = [str(SCRIPT), *specs]
    if as_user:
        command = ["su", as_user, "-s", "/bin/bash", "-c", " ".join(command)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT)


def test_does_nothing_when_every_package_is_there():
    done = _run("coreutils", "python3-anything:/bin/sh")
    assert done.returncode == 0 and done.stdout == "" and done.stderr == ""


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("su"), reason="needs root to su"
)
def test_without_root_it_prints_the_command_and_stops():
    done = _run("coreutils", "no-such-package-vaecourse", as_user="nobody")
    assert done.returncode == 1
    assert (
        "sudo apt-get update && sudo apt-get install -y no-such-package-vaecourse"
        in done.stderr
    )
    assert "coreutils" not in done.stderr
