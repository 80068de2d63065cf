"""Execute one chapter in a fresh kernel and save the executed copy (used by run_benchmark.py).

    python benchmarks/execute_chapter.py chapters/01_autoencoders.ipynb /tmp/out.ipynb
"""

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from vaecourse.notebooks import execute_notebook  # noqa: E402

nb, seconds = execute_notebook(Path(sys.argv[1]))
nbformat.write(nb, sys.argv[2])
print(f"{sys.argv[1]}: {seconds:.1f} s")
