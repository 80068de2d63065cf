"""Packaging (pyproject.toml): dependencies are declared once, and the package installs whole.

``requirements.txt`` and ``binder/requirements.txt`` only name extras of the project, so no
list can drift from another. A non-editable install (the wheel) must hold every module of
``vaecourse`` and find the course's files from a chapter's folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile

from packaging.requirements import Requirement

from vaecourse.paths import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PACKAGE_FILES = sorted(
    str(p.relative_to(ROOT)) for p in (ROOT / "vaecourse").rglob("*.py")
)


def _requirement_lines(path):
    lines = [
        line.split("#", 1)[0].strip()
        for line in path.read_text().splitlines()
    ]
    return [line for line in lines if line]


def test_requirements_files_only_name_extras_of_the_project():
    assert _requirement_lines(ROOT / "requirements.txt") == [
        "-e .[book,test]"
    ]
    assert _requirement_lines(ROOT / "binder" / "requirements.txt") == [
        "-e .[binder]"
    ]


def test_binder_folder_is_what_repo2docker_reads():
    assert (
        ROOT / "binder" / "runtime.txt"
    ).read_text().strip() == "python-3.11"
    # With a binder/ folder repo2docker ignores top-level environment files, and an
    # environment.yml here would switch it to conda.
    assert {p.name for p in (ROOT / "binder").iterdir()} == {
        "apt.txt",
        "postBuild",
        "requirements.txt",
        "runtime.txt",
    }
    # Chapter 4's model diagram needs Graphviz's dot, a Debian package.
    assert (ROOT / "binder" / "apt.txt").read_text().split() == ["graphviz"]


def test_binder_takes_the_cpu_build_of_the_same_tensorflow():
    extras = PYPROJECT["project"]["optional-dependencies"]
    (tf,) = map(Requirement, extras["tf"])
    (cpu,) = map(Requirement, extras["binder"])
    assert (tf.name, cpu.name) == ("tensorflow", "tensorflow-cpu")
    assert tf.specifier == cpu.specifier
    names = {
        Requirement(r).name for r in PYPROJECT["project"]["dependencies"]
    }
    assert "tensorflow" not in names, (
        "TensorFlow belongs in an extra: Binder needs the CPU build"
    )


def test_the_wheel_holds_every_module_and_runs_from_site_packages(tmp_path):
    # Built from a copy of what the wheel is made of, so no build/ folder lands in the repository.
    project = tmp_path / "project"
    shutil.copytree(
        ROOT / "vaecourse",
        project / "vaecourse",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project / name)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path / "dist"),
            str(project),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp_path / "dist").glob("vaecourse-*.whl")
    in_wheel = {
        n for n in zipfile.ZipFile(wheel).namelist() if n.endswith(".py")
    }
    assert in_wheel == set(PACKAGE_FILES), (
        f"left out: {set(PACKAGE_FILES) - in_wheel}"
    )

    site = tmp_path / "site-packages"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    modules = [
        p.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
        for p in PACKAGE_FILES
    ]
    code = (
        "import importlib, json, vaecourse.paths as paths\n"
        f"mods = [importlib.import_module(m) for m in {modules!r}]\n"
        "print(json.dumps({'files': [m.__file__ for m in mods], 'root': str(paths.ROOT)}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "VAECOURSE_HOME"}
    env["PYTHONPATH"] = str(site)
    # A learner's kernel runs in chapters/: the installed package must find the course from there.
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT / "chapters",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert all(f.startswith(str(site)) for f in found["files"]), found[
        "files"
    ]
    assert found["root"] == str(ROOT)


def test_npm_packages_are_pinned_and_make_installs_them():
    # The book build copies MathJax's components from node_modules/mathjax into the site
    # (_ext/mathjax_local.py); tests/test_accessibility.py injects
    # node_modules/axe-core/axe.min.js into Chromium.
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert package.get("private") is True
    assert "scripts" not in package
    for group, name in (
        ("dependencies", "mathjax"),
        ("devDependencies", "axe-core"),
    ):
        pinned = package[group][name]
        assert pinned[0].isdigit(), (
            f"{name} must be pinned exactly, not {pinned!r}"
        )
        assert lock["packages"][""][group] == package[group]
        assert lock["packages"][f"node_modules/{name}"]["version"] == pinned
    assert package["dependencies"]["mathjax"].startswith("3."), (
        "_config.yml loads MathJax 3's components (startup.js, loader.load)"
    )
    assert "node_modules/" in (ROOT / ".gitignore").read_text().split()
    makefile = (ROOT / "Makefile").read_text()
    for target in ("book:", "test:"):
        line = next(
            line for line in makefile.splitlines() if line.startswith(target)
        )
        assert "js-packages" in line.split(), line
    assert "npm ci" in makefile and "nodejs:/usr/bin/node" in makefile
    assert "JS_PACKAGES := " in makefile
