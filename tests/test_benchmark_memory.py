"""tools.benchmark.kernel_peak: the kernel's own peak memory on a Run All of a notebook."""

import nbformat

from tools.benchmark import EXPLORER_CALL, kernel_peak


def test_kernel_peak_is_the_kernels_and_leaves_out_explorer_cells(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        # 229 MiB in the kernel, freed at once: only its peak (VmHWM) remembers it
        nbformat.v4.new_code_cell(
            "import numpy as np\nblock = np.ones(30_000_000)\ndel block"
        ),
        nbformat.v4.new_markdown_cell("explorer.latent_plane(decoder)"),
        # no `explorer` here: the cell fails if it runs
        nbformat.v4.new_code_cell("explorer.latent_plane(decoder, codes)"),
        nbformat.v4.new_code_cell(
            "x = 1", metadata={"tags": ["skip-execution"]}
        ),
    ]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    run = kernel_peak(path, skip_explorers=True, per_cell=True)
    assert run["skipped_cells"] == [2]
    # a Run All runs the cells the book build skips
    assert [row["cell"] for row in run["cells"]] == [0, 3]
    assert 229 < run["peak_mib"] < 600
    assert run["cells"][0]["VmHWM"] > 229 > run["cells"][0]["VmRSS"]


def test_explorer_call_is_a_call_at_the_start_of_a_line():
    assert EXPLORER_CALL.search(
        "x = 1\nexplorer.latent_path(\n    vae.decoder,"
    )
    assert not EXPLORER_CALL.search("from vaecourse import explorer\n")
    assert not EXPLORER_CALL.search(
        "# explorer.latent_plane( draws the plane"
    )
