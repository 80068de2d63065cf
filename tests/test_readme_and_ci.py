"""The README's three commands are the ones CI runs."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands():
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```bash\n(.+?)\n```", text)


def test_readme_gives_setup_build_and_test_commands():
    commands = _readme_commands()
    assert len(commands) == 3, commands
    setup, build, test = commands
    assert "pip install -r requirements.txt" in setup
    assert build.startswith("jupyter-book build .") and "-W" in build
    assert test == "pytest"


def test_ci_runs_the_readme_commands_verbatim():
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    for command in _readme_commands():
        assert command in ci_lines, f".ci/run does not run the README command: {command}"
