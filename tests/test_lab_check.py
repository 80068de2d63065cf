"""tools.lab_check's readings of a notebook: the tracebacks and the book markup it reports.

The check itself (JupyterLab, Chromium, a chapter's Run All) takes minutes and is run by
``make lab-check``; these tests pin what it counts as a failure and as raw markup.
"""

from __future__ import annotations

from tools.lab_check import book_markup, stderr_lines, tracebacks


def test_errors_and_tracebacks_fail_and_warnings_do_not():
    outputs = [
        (3, {"output_type": "error", "ename": "ValueError", "evalue": "bad"}),
        (
            5,
            {
                "output_type": "stream",
                "name": "stderr",
                "text": "Traceback (most",
            },
        ),
        (
            7,
            {
                "output_type": "stream",
                "name": "stderr",
                "text": "UserWarning: x\n",
            },
        ),
        (8, {"output_type": "stream", "name": "stdout", "text": "Traceback"}),
    ]
    assert tracebacks(outputs) == [
        "cell 3: ValueError: bad",
        "cell 5: stderr: Traceback (most",
    ]
    assert stderr_lines(outputs) == [
        "cell 5: Traceback (most",
        "cell 7: UserWarning: x",
    ]


def test_book_markup_is_found_and_plain_markdown_is_not():
    markdown = (
        "An {term}`autoencoder` squeezes {cite:p}`hinton2006`.\n"
        "```{exercise-start} The loss\n"
        ":label: exercise-1-1\n"
        "(fig-01-codes)=\n"
        "\n"
        "Plain `code`, math $\\sqrt{d/2}$, a [link](02_vae_theory.ipynb).\n"
        "```python\n"
        "x = {'a': 1}\n"
        "```\n"
    )
    assert book_markup([(4, markdown)]) == [
        "cell 4: An {term}`autoencoder` squeezes {cite:p}`hinton2006`.",
        "cell 4: ```{exercise-start} The loss",
        "cell 4: :label: exercise-1-1",
        "cell 4: (fig-01-codes)=",
    ]
