"""The README: its two commands are what CI and the publishing workflow run, and its
chapter map is current."""

import re

import yaml

from tools.chapter_map import readme_with_map
from vaecourse.paths import ROOT

README = ROOT / "README.md"


def _readme_commands():
    return re.findall(r"```bash\n(.+?)\n```", README.read_text())


def test_readme_gives_a_build_and_a_test_command():
    assert _readme_commands() == ["make book", "make test"]


def test_ci_runs_exactly_the_readme_commands():
    ci_commands = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip()
        and not line.lstrip().startswith(("#", "set ", "cd ", "echo "))
    ]
    assert ci_commands == _readme_commands()


def test_publishing_workflow_runs_exactly_the_readme_commands():
    """After the checkout, the workflow's build job runs the README's commands and nothing
    else; before it, it only installs what a bare Debian image lacks (apt-get)."""
    workflow = ROOT / ".github" / "workflows" / "book.yml"
    steps = yaml.safe_load(workflow.read_text())["jobs"]["build"]["steps"]
    checkout = next(
        i
        for i, step in enumerate(steps)
        if step.get("uses", "").startswith("actions/checkout@")
    )
    commands = [s["run"].strip() for s in steps[checkout:] if "run" in s]
    assert commands == _readme_commands(), (
        f"{workflow.name} runs {commands} after the checkout; the README says "
        f"{_readme_commands()}"
    )
    for step in steps[:checkout]:
        assert step["run"].startswith("apt-get update &&"), step


def test_chapter_map_is_current():
    readme = README.read_text()
    assert readme == readme_with_map(readme), (
        "README.md's chapter map is out of date: run `python -m tools.chapter_map --write`"
    )


def test_readme_says_what_make_test_installs_for_the_accessibility_tests():
    text = " ".join(README.read_text().split())
    for words in (
        "`nodejs` and `npm`",
        "axe-core",
        "`npm ci`",
        "package-lock.json",
    ):
        assert words in text, (
            f"README.md's set-up text does not mention {words}"
        )
