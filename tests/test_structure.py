"""The book's structure: table of contents and chapter files agree; notebooks ship clean."""

import json
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def _toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections", []))

    for part in toc.get("parts", []):
        walk(part["chapters"])
    walk(toc.get("chapters", []))
    return files


def _exists(entry):
    return any((ROOT / f"{entry}{ext}").exists() for ext in (".ipynb", ".md"))


def test_every_toc_entry_exists():
    missing = [entry for entry in _toc_files() if not _exists(entry)]
    assert not missing, f"_toc.yml names files that do not exist: {missing}"


def test_every_chapter_is_in_the_toc():
    listed = set(_toc_files())
    absent = [nb.name for nb in NOTEBOOKS if f"chapters/{nb.stem}" not in listed]
    assert not absent, f"chapters missing from _toc.yml: {absent}"


def test_chapters_are_numbered():
    numbers = [nb.name[:3] for nb in NOTEBOOKS]
    assert all(n[:2].isdigit() and n[2] == "_" for n in numbers), numbers
    assert len(set(numbers)) == len(numbers), "two chapters share a number"


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_committed_without_outputs(nb_path):
    nb = json.loads(nb_path.read_text())
    dirty = [i for i, cell in enumerate(nb["cells"]) if cell["cell_type"] == "code"
             and (cell.get("outputs") or cell.get("execution_count") is not None)]
    assert not dirty, f"{nb_path.name}: cells {dirty} hold outputs; clear them before committing"


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_seeds_its_generators(nb_path):
    text = "".join("".join(c["source"]) for c in json.loads(nb_path.read_text())["cells"])
    assert "seed_everything(" in text, f"{nb_path.name} does not call vaecourse.seed_everything"
