"""Run chapter notebooks in a fresh kernel (for train_all, the benchmark and the tests)."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]


def chapters_in_toc_order() -> list[Path]:
    """The chapter notebooks listed in ``_toc.yml``, in book order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = []

    def walk(entries):
        for entry in entries:
            if "file" in entry and (ROOT / f"{entry['file']}.ipynb").exists():
                files.append(ROOT / f"{entry['file']}.ipynb")
            walk(entry.get("sections", []))

    for part in toc.get("parts", []):
        walk(part["chapters"])
    walk(toc.get("chapters", []))
    return files


@contextmanager
def _environment(**overrides):
    saved = {k: os.environ.get(k) for k in overrides}
    os.environ.update({k: str(v) for k, v in overrides.items()})
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def execute_notebook(path: Path, timeout: int = 3600, **env) -> tuple[nbformat.NotebookNode, float]:
    """Execute ``path`` top to bottom in a fresh kernel, in its own folder, with ``env`` set.

    Returns the executed notebook and the wall time in seconds. Raises on the first error.
    """
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    with _environment(**env):
        start = time.perf_counter()
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        seconds = time.perf_counter() - start
    return nb, seconds


def stream_text(nb: nbformat.NotebookNode) -> str:
    """All the printed (stdout) text of an executed notebook."""
    return "".join(
        out.get("text", "")
        for cell in nb.cells if cell.cell_type == "code"
        for out in cell.get("outputs", []) if out.get("output_type") == "stream"
        and out.get("name") == "stdout"
    )
