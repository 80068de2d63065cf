"""Binder's environment (binder/, read by repo2docker) agrees with what the README installs.

``binder/requirements.txt`` is the top-level ``requirements.txt`` with two deliberate
differences: ``tensorflow`` becomes the CPU-only ``tensorflow-cpu`` wheel (same version
specifier; Binder has no GPU and the wheel is half the size), and the tools that only build
the book or run the tests are left out. Everything else — every package, every pin, and the
editable install of the helper package — must be the same.
"""

from __future__ import annotations

import re
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"

RENAMED = {"tensorflow": "tensorflow-cpu"}
BUILD_AND_TEST_ONLY = {"jupyter-book", "sphinx-mathjax-offline", "nbval", "pytest", "selenium"}


def parse(path: Path):
    """(packages {name: specifier}, other lines such as ``-e .``) of a requirements file."""
    packages, others = {}, []
    for raw in path.read_text().splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("-"):
            others.append(" ".join(line.split()))
            continue
        req = Requirement(line)
        name = re.sub(r"[-_.]+", "-", req.name).lower()
        assert name not in packages, f"{path.name} names {name} twice"
        packages[name] = str(req.specifier)
    return packages, others


def test_binder_folder_is_what_repo2docker_reads():
    assert (BINDER / "requirements.txt").is_file()
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    assert "Python 3.11" in (ROOT / "README.md").read_text(), (
        "the README's set-up names the Python version Binder's runtime.txt pins")
    # With a binder/ folder repo2docker ignores top-level environment files, so nothing
    # else in binder/ may claim to be one (environment.yml would switch it to conda).
    extra = {p.name for p in BINDER.iterdir()} - {"requirements.txt", "runtime.txt", "postBuild"}
    assert not extra, f"unexpected repo2docker files in binder/: {extra}"


def test_binder_requirements_agree_with_the_readme_install():
    top, top_other = parse(ROOT / "requirements.txt")
    binder, binder_other = parse(BINDER / "requirements.txt")

    missing_tools = BUILD_AND_TEST_ONLY - set(top)
    assert not missing_tools, f"listed as build/test-only but not in requirements.txt: {missing_tools}"

    expected = {RENAMED.get(name, name): spec for name, spec in top.items()
                if name not in BUILD_AND_TEST_ONLY}
    assert binder == expected, (
        "binder/requirements.txt must be requirements.txt with tensorflow -> tensorflow-cpu and "
        f"without {sorted(BUILD_AND_TEST_ONLY)};\n  only in binder: "
        f"{ {k: v for k, v in binder.items() if expected.get(k) != v} }\n  expected: "
        f"{ {k: v for k, v in expected.items() if binder.get(k) != v} }")
    assert "tensorflow" not in binder, "Binder must install the CPU-only tensorflow-cpu wheel"
    # repo2docker runs `pip install -r binder/requirements.txt` from the repository root and
    # pip resolves `-e PATH` against the working directory, so `-e .` is the repository.
    assert top_other == ["-e ."], top_other
    assert binder_other == ["-e ."], binder_other


def test_tensorflow_cpu_pins_the_same_version_as_tensorflow():
    top, _ = parse(ROOT / "requirements.txt")
    binder, _ = parse(BINDER / "requirements.txt")
    assert top["tensorflow"] and binder["tensorflow-cpu"] == top["tensorflow"]
