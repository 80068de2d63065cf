"""Chapter 1 (beyond its own nbval run): the same commit prints the same numbers, twice in
the quick profile."""

import re

from tools.execute import execute_notebook, stream_text
from vaecourse.paths import CHAPTERS_DIR

NUMBER = re.compile(r"-?\d+\.\d+")
ELAPSED = re.compile(r"\(\d+ s\)")


def test_chapter_1_prints_the_same_numbers_twice():
    chapter = CHAPTERS_DIR / "01_autoencoders.ipynb"
    runs = []
    for _ in range(2):
        nb, _ = execute_notebook(chapter, VAECOURSE_PROFILE="quick")
        runs.append(NUMBER.findall(ELAPSED.sub("", stream_text(nb))))
    assert len(runs[0]) > 5, "chapter 1 printed too few numbers to compare"
    assert runs[0] == runs[1]
