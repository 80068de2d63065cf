"""The same commit prints the same numbers: chapter 1 run twice in the quick profile."""

import re

from vaecourse.notebooks import ROOT, execute_notebook, stream_text

NUMBER = re.compile(r"-?\d+\.\d+")
ELAPSED = re.compile(r"\(\d+ s\)")


def test_chapter_1_prints_the_same_numbers_twice():
    chapter = ROOT / "chapters" / "01_autoencoders.ipynb"
    runs = []
    for _ in range(2):
        nb, _ = execute_notebook(chapter, VAECOURSE_PROFILE="quick")
        runs.append(NUMBER.findall(ELAPSED.sub("", stream_text(nb))))
    assert len(runs[0]) > 5, "chapter 1 printed too few numbers to compare"
    assert runs[0] == runs[1]
