"""Run a chapter notebook in a fresh kernel (for train_all, the benchmark and the tests).

python -m tools.execute chapters/01_autoencoders.ipynb /tmp/01_executed.ipynb
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import nbformat


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


def execute_notebook(
    path: Path, timeout: int = 3600, **env
) -> tuple[nbformat.NotebookNode, float]:
    """Execute ``path`` top to bottom in a fresh kernel, in its own folder, with ``env`` set.

    Returns the executed notebook and the wall time in seconds. Raises on the first error.
    """
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    with _environment(**env):
        start = time.perf_counter()
        NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        ).execute()
        seconds = time.perf_counter() - start
    return nb, seconds


def stream_text(nb: nbformat.NotebookNode) -> str:
    """All the printed (stdout) text of an executed notebook."""
    return "".join(
        out.get("text", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream" and out.get("name") == "stdout"
    )


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    nb, seconds = execute_notebook(Path(args[0]))
    nbformat.write(nb, args[1])
    print(f"{args[0]}: {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
