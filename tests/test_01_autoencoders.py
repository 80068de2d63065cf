"""Chapter 1 (beyond its own nbval run): the same commit prints the same numbers, on one
core and on two (TensorFlow's thread pools have a fixed size, set by vaecourse)."""

import os
import re

import pytest

from tools.execute import execute_notebook, stream_text
from vaecourse.paths import CHAPTERS_DIR

NUMBER = re.compile(r"-?\d+\.\d+")
ELAPSED = re.compile(r"\(\d+ s\)|[\d.]+ s per epoch")


@pytest.mark.skipif(
    len(os.sched_getaffinity(0)) < 2, reason="needs two cores to compare"
)
def test_chapter_1_prints_the_same_numbers_on_one_core_and_on_two():
    chapter = CHAPTERS_DIR / "01_autoencoders.ipynb"
    cores = os.sched_getaffinity(0)
    runs = []
    try:
        for allowed in ({min(cores)}, cores):
            os.sched_setaffinity(0, allowed)  # the kernel inherits it
            nb, _ = execute_notebook(chapter, VAECOURSE_PROFILE="quick")
            runs.append(NUMBER.findall(ELAPSED.sub("", stream_text(nb))))
    finally:
        os.sched_setaffinity(0, cores)
    assert len(runs[0]) > 5, "chapter 1 printed too few numbers to compare"
    assert runs[0] == runs[1]
