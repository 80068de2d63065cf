"""Start a chapter: ``python -m tools.new_chapter NN name`` writes every file it needs.

    python -m tools.new_chapter 10 normalising_flows
    python -m tools.new_chapter 10 normalising_flows --title "Normalising flows"

It writes a short chapter in the course's style that builds and passes the tests as it
is, for you to rewrite:

* ``chapters/NN_name.py``, the text source: title and introduction, the set-up cell,
  one section, three exercises (stub, ``vaecourse.check``, solution dropdown; the
  introduction promises three per chapter) and a figure with its caption;
* its entry in ``_toc.yml``, last of the numbered part (Sphinx numbers a chapter by its
  place there, which must be NN);
* ``solutions/NN_name_<k>_<what>.py``, the reference solutions;
* ``vaecourse/checks/name.py``, the checkers (found by ``vaecourse.checks.registry``);
* ``tests/learner_answers/NN_name.py``, a wrong and a right answer to each exercise
  (``tests/test_exercises.py``);
* ``chapters/NN_name.ipynb``, the learner's notebook (``tools.chapter_sources``): the
  chapter glues no number into its prose, so no build is needed yet;
* the README's chapter map (``tools.chapter_map``).

It refuses, saying what to do, when chapter NN exists, when NN is not the next number,
when the name is not snake_case, or when a file it would write exists.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from string import Template

from vaecourse.exercises import SNAKE_CASE, exercise_label
from vaecourse.paths import ROOT

from .book import numbered_entries

#: Longer names make code lines of the chapter wider than the page's column.
MAX_NAME = 40

#: Each exercise: what it is called (the solution's ``<what>``), its function, and its
#: title on the page.
EXERCISES = [
    ("mean_grey", "mean_grey", "Mean grey level"),
    ("ink_share", "ink_share", "Share of ink"),
    ("mean_image", "mean_image", "The average digit"),
]

CHAPTER = Template('''\
# %% [markdown]
# # $title
#
# What this chapter is about, in a paragraph: the question it answers, and what it takes
# from the chapters before it. (Written by `python -m tools.new_chapter`: rewrite it.)
#
# In this chapter you will:
#
# * measure the ink of each test digit ({ref}`${label1}`, {ref}`${label2}`);
# * average the digits into one image ({ref}`${label3}`).

# %% [markdown]
# ## Setting up
#
# The course's small helper package, `vaecourse`, holds what is not the lesson: loading
# MNIST, the execution profile, the exercises' checks, and the figures' style.

# %%
import matplotlib.pyplot as plt
import numpy as np

import vaecourse
from vaecourse import plotting

import keras

vaecourse.seed_everything($number)
profile = vaecourse.current_profile()
print(f"Keras {keras.__version__}, profile: {profile.name}")

# %% [markdown]
# ## Ink
#
# The 10,000 test digits of MNIST {cite:p}`lecun1998gradient`, each a row of 784 grey
# levels between 0 (white) and 1 (black). The quick profile keeps the first 500.

# %%
_, _, (x_test, y_test) = vaecourse.load_mnist_splits(parts=("test",))
x_test, y_test = profile.subset(x_test, y_test, quick=500)
print("test images:", x_test.shape)
assert x_test.shape[1] == 784

# %% [markdown]
# ```{exercise-start} $title1
# :label: $label1
# ```
#
# Write `$function1(x)`: the mean grey level of each image of `x` (one row of pixels per
# image), one number per image.


# %%
def $function1(x):
    """The mean grey level of each image (row) of x."""
    # Your code here.
    vaecourse.todo()


$function1 = vaecourse.check(
    "${page}_1_$what1",
    $function1,
)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} $label1
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/${page}_1_$what1.py
# :language: python
# ```
#
# ```{solution-end}
# ```
#
# {numref}`$figure` puts eight test digits in the order of their mean grey level.

# %% mystnb={"figure": {"caption": "Eight test digits, from the least ink (left) to the most.", "name": "$figure"}, "image": {"alt": "A row of eight handwritten test digits, the thin ones first and the bold ones last"}}
grey = $function1(x_test)
order = np.argsort(grey[:8])
plotting.plot_image_rows(
    [x_test[:8][order]],
    ["test digits"],
    title="From the least ink to the most",
    n=8,
)
plt.show()

# %% [markdown]
# ```{exercise-start} $title2
# :label: $label2
# ```
#
# Write `$function2(x)`: the share of the pixels of each image darker than 0.5, one
# number between 0 and 1 per image.


# %%
def $function2(x):
    """The share of pixels darker than 0.5 in each image (row) of x."""
    # Your code here.
    vaecourse.todo()


$function2 = vaecourse.check(
    "${page}_2_$what2",
    $function2,
)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} $label2
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/${page}_2_$what2.py
# :language: python
# ```
#
# ```{solution-end}
# ```

# %%
ink = $function2(x_test)
print(f"share of dark pixels: from {ink.min():.2f} to {ink.max():.2f}")
assert 0.0 <= ink.min() <= ink.max() <= 1.0

# %% [markdown]
# ```{exercise-start} $title3
# :label: $label3
# ```
#
# Write `$function3(x)`: the average of the images of `x`, pixel by pixel: one image.


# %%
def $function3(x):
    """The pixel-wise mean of the images (rows) of x."""
    # Your code here.
    vaecourse.todo()


$function3 = vaecourse.check(
    "${page}_3_$what3",
    $function3,
)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} $label3
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/${page}_3_$what3.py
# :language: python
# ```
#
# ```{solution-end}
# ```
#
# The average digit's mean grey level is the mean of the digits' mean grey levels (the
# cell checks it).

# %%
average = $function3(x_test)
print(f"the average digit: {average.size} pixels, mean {average.mean():.3f}")
assert np.isclose(average.mean(), grey.mean())

# %% [markdown]
# ## Summary
#
# * What the chapter showed, one point a line.
''')

SOLUTIONS = [
    '''\
import numpy as np


def mean_grey(x):
    """The mean grey level of each image (row) of x."""
    # axis=1: over the pixels of each row, not over the images too.
    return np.mean(x, axis=1)
''',
    '''\
import numpy as np


def ink_share(x):
    """The share of pixels darker than 0.5 in each image (row) of x."""
    # The mean of True/False is the share of True.
    return np.mean(np.asarray(x) > 0.5, axis=1)
''',
    '''\
import numpy as np


def mean_image(x):
    """The pixel-wise mean of the images (rows) of x."""
    # axis=0: over the images, one value per pixel.
    return np.mean(x, axis=0)
''',
]

CHECKS = Template('''\
"""Checkers for chapter $number ($topic)."""

from __future__ import annotations

import numpy as np

from ..exercises import Exercise
from . import call_or_fail, expect

#: The checkers' images: four of six pixels each.
IMAGES = np.array(
    [
        [0.0, 0.2, 0.4, 0.6, 0.8, 1.0],
        [1.0, 1.0, 0.0, 0.0, 0.5, 0.5],
        [0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
        [0.9, 0.0, 0.0, 0.0, 0.0, 0.9],
    ]
)
CASE = "x: four images of 6 pixels"


def _compare(function, expected, shape_hint: str, value_hint: str) -> None:
    got = call_or_fail(
        CASE, f"shape {expected.shape}", function, IMAGES.copy()
    )
    got = np.asarray(got, dtype=float)
    expect(
        got.shape == expected.shape,
        CASE,
        f"shape {expected.shape}",
        f"shape {got.shape}",
        shape_hint,
    )
    expect(
        np.allclose(got, expected),
        CASE,
        np.round(expected, 3).tolist(),
        np.round(got, 3).tolist(),
        value_hint,
    )


def check_mean_grey(mean_grey) -> None:
    """``mean_grey(x)``: the mean of each row of x."""
    _compare(
        mean_grey,
        IMAGES.mean(axis=1),
        "One value per image: average over the pixels (axis=1) only, not "
        "over the images as well.",
        "Average the grey levels of each image's pixels.",
    )


def check_ink_share(ink_share) -> None:
    """``ink_share(x)``: the share of each row's values above 0.5."""
    _compare(
        ink_share,
        (IMAGES > 0.5).mean(axis=1),
        "One value per image: the share of its pixels (axis=1).",
        "A share of the pixels darker than 0.5 (strictly), between 0 and 1, "
        "not a count.",
    )


def check_mean_image(mean_image) -> None:
    """``mean_image(x)``: the mean of x's rows, one value per column."""
    _compare(
        mean_image,
        IMAGES.mean(axis=0),
        "One value per pixel: average over the images (axis=0).",
        "Average each pixel over the images.",
    )


EXERCISES = [
    Exercise(
        "${page}_1_$what1",
        "$function1",
        check_mean_grey,
    ),
    Exercise(
        "${page}_2_$what2",
        "$function2",
        check_ink_share,
    ),
    Exercise(
        "${page}_3_$what3",
        "$function3",
        check_mean_image,
    ),
]
''')

LEARNER_ANSWERS = Template('''\
"""Answers a learner might give to chapter $number's exercises.

WRONG: per exercise, a wrong answer and a fragment of the explanation its checker must give.
RIGHT: per exercise, a right answer written differently from the reference solution.
"""

import numpy as np


def mean_of_every_pixel(x):
    return np.mean(x)


def mean_grey_from_the_sum(x):
    return np.sum(x, axis=1) / np.shape(x)[1]


def count_of_dark_pixels(x):
    return np.sum(np.asarray(x) > 0.5, axis=1)


def ink_share_row_by_row(x):
    return np.array([np.count_nonzero(row > 0.5) / row.size for row in x])


def mean_over_the_pixels(x):
    return np.mean(x, axis=1)


def mean_image_from_the_sum(x):
    return np.sum(x, axis=0) / len(x)


WRONG = {
    "${page}_1_$what1": (mean_of_every_pixel, "not over the images"),
    "${page}_2_$what2": (count_of_dark_pixels, "not a count"),
    "${page}_3_$what3": (mean_over_the_pixels, "average over the images"),
}
RIGHT = {
    "${page}_1_$what1": mean_grey_from_the_sum,
    "${page}_2_$what2": ink_share_row_by_row,
    "${page}_3_$what3": mean_image_from_the_sum,
}
''')


def files_of(number: int, name: str, root: Path) -> dict[str, Path]:
    """Every file the scaffold writes for chapter ``number`` called ``name``."""
    page = f"{number:02d}_{name}"
    files = {
        "source": root / "chapters" / f"{page}.py",
        "notebook": root / "chapters" / f"{page}.ipynb",
        "checks": root / "vaecourse" / "checks" / f"{name}.py",
        "answers": root / "tests" / "learner_answers" / f"{page}.py",
    }
    for k, (what, _, _) in enumerate(EXERCISES, start=1):
        files[f"solution {k}"] = root / "solutions" / f"{page}_{k}_{what}.py"
    return files


def refusal(number: str, name: str, root: Path = ROOT) -> str | None:
    """Why the scaffold will not write chapter ``number`` called ``name``, saying what
    to do instead; ``None`` when it will."""
    chapters = numbered_entries(root / "_toc.yml")
    after = len(chapters) + 1
    if not re.fullmatch(r"\d{1,2}", number) or int(number) == 0:
        return f"{number!r} is not a chapter number: give the next one, {after:02d}."
    if not SNAKE_CASE.fullmatch(name) or len(name) > MAX_NAME:
        return (
            f"{name!r} is not a snake_case name: lower-case words of letters and "
            f"digits joined by _, starting with a letter, at most {MAX_NAME} "
            "characters (e.g. normalising_flows)."
        )
    prefix = f"{int(number):02d}_"
    on_disk = {
        f"chapters/{p.name}" for p in (root / "chapters").glob(f"{prefix}*")
    }
    listed = {e for e in chapters if e.rsplit("/", 1)[-1].startswith(prefix)}
    existing = sorted(on_disk | listed)
    if existing:
        return (
            f"Chapter {int(number):02d} exists ({', '.join(existing)}). A new "
            f"chapter goes last: run `python -m tools.new_chapter {after:02d} {name}`."
        )
    if int(number) != after:
        return (
            f"Sphinx numbers a chapter by its place in _toc.yml's numbered part, "
            f"which has {len(chapters)} chapters: the next is {after:02d}, not "
            f"{int(number):02d}. Run `python -m tools.new_chapter {after:02d} {name}`; "
            "to put a chapter between others, renumber the later ones first."
        )
    taken = [
        str(path.relative_to(root))
        for path in files_of(int(number), name, root).values()
        if path.exists()
    ]
    if taken:
        return (
            f"{', '.join(taken)} exist{'s' if len(taken) == 1 else ''} (another "
            "page's checker or an earlier attempt): choose another name, or "
            "remove them."
        )
    return None


def add_to_toc(root: Path, entry: str) -> None:
    """Put ``entry`` after the last chapter of _toc.yml's numbered part, keeping the
    file's comments."""
    toc = root / "_toc.yml"
    lines = toc.read_text().splitlines(keepends=True)
    last = f"file: {numbered_entries(root / '_toc.yml')[-1]}"
    (at,) = [i for i, line in enumerate(lines) if line.strip() == f"- {last}"]
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    lines.insert(at + 1, f"{indent}- file: {entry}\n")
    toc.write_text("".join(lines))
    if numbered_entries(root / "_toc.yml")[-1] != entry:
        raise RuntimeError(
            f"{toc}: could not add {entry} to the numbered part"
        )


def write_chapter(number: int, name: str, title: str) -> list[Path]:
    """Write every file of the new chapter into the repository (:data:`ROOT`)."""
    from .chapter_map import README, readme_with_map
    from .chapter_sources import notebook_from_source, render

    page = f"{number:02d}_{name}"
    files = files_of(number, name, ROOT)
    fields = {
        "number": number,
        "page": page,
        "title": title,
        "topic": title[0].lower() + title[1:],
        "figure": f"fig-{number:02d}-by-ink",
    }
    for k, (what, function, exercise_title) in enumerate(EXERCISES, start=1):
        fields[f"what{k}"] = what
        fields[f"function{k}"] = function
        fields[f"title{k}"] = exercise_title
        fields[f"label{k}"] = exercise_label(page, k)
    files["source"].write_text(CHAPTER.substitute(fields))
    for k, solution in enumerate(SOLUTIONS, start=1):
        files[f"solution {k}"].write_text(solution)
    files["checks"].write_text(CHECKS.substitute(fields))
    files["answers"].write_text(LEARNER_ANSWERS.substitute(fields))
    add_to_toc(ROOT, f"chapters/{page}")
    # No glued numbers in its prose: the notebook is what a build would render.
    notebook = notebook_from_source(files["source"], glued={})
    files["notebook"].write_text(render(notebook))
    README.write_text(readme_with_map(README.read_text()))
    return [*files.values(), ROOT / "_toc.yml", README]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("number", help="the chapter's number, e.g. 10")
    parser.add_argument("name", help="its name in snake_case, e.g. flows")
    parser.add_argument(
        "--title", help="its title (default: from the name, 'Flows')"
    )
    args = parser.parse_args(argv)
    problem = refusal(args.number, args.name, ROOT)
    if problem:
        print(f"tools.new_chapter: {problem}", file=sys.stderr)
        return 1
    title = args.title or args.name.replace("_", " ").capitalize()
    written = write_chapter(int(args.number), args.name, title)
    for path in written:
        print(f"wrote {path.relative_to(ROOT)}")
    page = f"{int(args.number):02d}_{args.name}"
    print(
        f"\nNext: write the chapter in chapters/{page}.py, its exercises' checkers "
        f"in vaecourse/checks/{args.name}.py, solutions and learner answers; add "
        "it to the README's list of chapters; then `make notebooks` (builds the "
        "book, renders the notebook with the numbers the build glued) and "
        "`python -m tools.chapter_map --write`. README.md, 'Adding a chapter', "
        "lists every file."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
