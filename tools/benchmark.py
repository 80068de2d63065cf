"""Measure what the course costs on this machine; print the figures and write a report.

    python -m tools.benchmark            # everything (about half an hour here)
    python -m tools.benchmark --skip-tests --skip-build
    python -m tools.benchmark --kernel-peak 06 [--skip-explorers] [--per-cell]

Measures:
* the README's book command (``make book``) from an empty ``_build/``, and again cached;
* each chapter executed alone in a fresh kernel in the reader profile, on 2 cores and on
  1 core (``taskset -c 0``, as Binder runs it): wall time and peak RSS (GNU time);
* each chapter's kernel peak: the ipykernel's VmHWM after a learner's Run All (Binder
  gives 1 GB), with the live explorers' cells and without them;
* the README's test command (``make test``);
* each built page's weight as a browser downloads it: every file the page loads in
  headless Chromium (HTML, scripts, style sheets, fonts, images), raw and gzip-compressed,
  in MB of 10^6 bytes; a page with live explorers is weighed after its "Start the live
  decoder" buttons are pressed (their decoders loaded), and before;
* the headline metrics printed by the chapters, and the largest relative difference of the
  printed numbers between the two reader-profile runs (determinism).

Writes ``results/benchmark.json`` and ``results/benchmark.md`` (shown in the book's appendix).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from vaecourse.paths import RESULTS_DIR, ROOT, WEIGHTS_DIR

from .book import chapter_notebooks, find_notebook, toc_entries
from .browser import make_driver, serve
from .execute import stream_text

REPORT_JSON = RESULTS_DIR / "benchmark.json"
REPORT_MD = RESULTS_DIR / "benchmark.md"

# The README's two commands.
BUILD = ["make", "book"]
TEST = ["make", "test"]
# The course's budgets (DEVELOPERS.md): seconds, MB. A page's weight is in decimal MB
# (10^6 bytes, as browsers' network panels count), its live decoders loaded.
TARGETS = {
    "clean_build_s": 240,
    "cached_build_s": 30,
    "chapter_1core_s": 90,
    "chapter_rss_mb": 1229,
    "kernel_peak_mib": 1024,
    "tests_s": 180,
    "page_mb": 2.5,
    "page_gzip_mb": 1.5,
}
NUMBER = re.compile(r"-?\d+\.\d+(?:e-?\d+)?")
# Times (and ratios of times) vary from run to run; every other printed number must not.
ELAPSED = re.compile(
    r"\(\d+ s\)|\d+(\.\d+)? seconds|\d+(\.\d+)? s(/epoch| per epoch)?"
    r"|\d+(\.\d+)? times as long"
)


def run_timed(cmd, **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, **kwargs)
    return time.perf_counter() - start


def gnu_time(cmd) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, stdout) of ``cmd`` under /usr/bin/time -v."""
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as log:
        start = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-v", "-o", log.name, *cmd],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - start
        if proc.returncode:
            raise RuntimeError(
                f"{' '.join(cmd)} failed:\n{proc.stdout[-2000:]}{proc.stderr[-3000:]}"
            )
        rss_kb = int(
            re.search(
                r"Maximum resident set size \(kbytes\): (\d+)", log.read()
            ).group(1)
        )
    return wall, rss_kb / 1024, proc.stdout


# Scripts run on a page as the reader's browser loads it (tests/test_site.py uses them too).
# Every resource of a page is fetched once it is settled: lazy images scrolled to, MathJax
# done (it fetches its fonts as it typesets), the web fonts in.
_SETTLE = """
const done = arguments[arguments.length - 1];
(async () => {
    const mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise) {
        try { await mj.startup.promise; } catch (e) {}
    }
    for (const img of document.images) { img.loading = 'eager'; img.scrollIntoView(); }
    window.scrollTo(0, 0);
    await Promise.all([...document.images].map(img => img.complete ? null
        : new Promise(r => { img.addEventListener('load', r); img.addEventListener('error', r); })));
    if (document.fonts) { await document.fonts.ready; }
    done(true);
})().catch(e => done(String(e)));
"""
_RESOURCES = (
    "return [...performance.getEntriesByType('navigation'),"
    " ...performance.getEntriesByType('resource')].map(e => e.name)"
)


def settle_page(driver, timeout: float = 60) -> None:
    """Wait until the loaded page has fetched everything a reader scrolling it would get."""
    deadline = time.time() + timeout
    while driver.execute_script("return document.readyState") != "complete":
        if time.time() > deadline:
            raise TimeoutError(f"{driver.current_url} did not finish loading")
        time.sleep(0.1)
    driver.set_script_timeout(timeout)
    driver.execute_async_script(_SETTLE)


def loaded_urls(driver, quiet: float = 1.0, timeout: float = 30) -> list[str]:
    """The URLs the page has fetched (the page itself first), once no new one came for
    ``quiet`` seconds."""
    deadline = time.time() + timeout
    urls, since = driver.execute_script(_RESOURCES), time.time()
    while time.time() - since < quiet and time.time() < deadline:
        time.sleep(0.2)
        now = driver.execute_script(_RESOURCES)
        if len(now) != len(urls):
            urls, since = now, time.time()
    return urls


def _file_sizes(path: Path, cache: dict) -> tuple[int, int]:
    if path not in cache:
        data = path.read_bytes()
        cache[path] = (len(data), len(gzip.compress(data, 6, mtime=0)))
    return cache[path]


def load_weight(
    driver,
    url: str,
    site_url: str,
    site: Path,
    cache: dict | None = None,
    start_explorers: bool = False,
) -> dict:
    """What a browser downloads to show ``url`` (a page of ``site`` served at ``site_url``).

    Opens the page in ``driver`` (headless Chromium) as on a first visit (no cache), lets
    it settle, and adds up every file it fetched (the HTML, scripts, style sheets, fonts,
    images: Performance navigation and resource entries), once each: ``raw_bytes`` as the
    files are, and
    ``gzip_bytes`` each compressed with gzip (level 6, what a web server sends to a
    browser that accepts it). ``files`` maps each file (relative to ``site``) to its two
    sizes; ``outside`` lists fetched URLs that are not files of the site.

    With ``start_explorers``, every "Start the live decoder" button of the page is pressed
    once it has settled, and the decoders it loads (``_static/explorers/``) are counted
    too, once the explorers have started; ``explorers`` is how many there were.
    """
    cache = {} if cache is None else cache
    if not getattr(driver, "_vaecourse_timing_buffer", False):
        # The default buffer keeps 250 resource entries; a page with many images and
        # MathJax fonts could pass it.
        driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument",
            {"source": "performance.setResourceTimingBufferSize(100000);"},
        )
        driver._vaecourse_timing_buffer = True
    # A first visit: nothing from the cache of pages opened before (a web font that the
    # browser holds already is loaded by a page that declares it without using it).
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    driver.execute_cdp_cmd(
        "Network.setCacheDisabled", {"cacheDisabled": True}
    )
    try:
        driver.get(url)
        settle_page(driver)
        explorers = start_live_explorers(driver) if start_explorers else 0
        urls = loaded_urls(driver)
    finally:
        driver.execute_cdp_cmd(
            "Network.setCacheDisabled", {"cacheDisabled": False}
        )
    files, outside = {}, []
    base = site_url.rstrip("/") + "/"
    for name in urls:
        if not name.startswith(base):
            if not name.startswith("data:"):
                outside.append(name)
            continue
        rel = unquote(urlsplit(name).path).lstrip("/")
        path = site / rel
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            outside.append(
                name
            )  # fetched, but no such file: a failed request
            continue
        files[str(path.relative_to(site))] = _file_sizes(path, cache)
    return {
        "raw_bytes": sum(raw for raw, _ in files.values()),
        "gzip_bytes": sum(gz for _, gz in files.values()),
        "files": files,
        "outside": outside,
        "explorers": explorers,
    }


def start_live_explorers(driver, timeout: float = 60) -> int:
    """Press every live explorer's start button; return once all have started (their
    decoders loaded and unpacked). Returns how many explorers the page has."""
    count = driver.execute_script(
        "document.querySelectorAll('.vae-explorer .vx-start')"
        ".forEach(b => b.click());"
        "return document.querySelectorAll('.vae-explorer').length"
    )
    deadline = time.time() + timeout
    while count and not driver.execute_script(
        "return !!window.VaeExplorer && "
        "window.VaeExplorer.instances.length === arguments[0]",
        count,
    ):
        if time.time() > deadline:
            raise TimeoutError(
                f"{driver.current_url}: the live explorers did not start"
            )
        time.sleep(0.1)
    return count


def page_weights(html_dir: Path) -> dict[str, dict]:
    """Each page of ``_toc.yml`` as a browser loads it from ``html_dir``: MB (10^6 bytes)
    raw and gzip, with its live explorers started; for a page with explorers, also
    before they are (``mb_before_start``, ``gzip_mb_before_start``)."""
    out, cache = {}, {}
    driver = make_driver()
    try:
        with serve(html_dir) as url:
            for entry in toc_entries():
                page = f"{entry}.html"
                if not (html_dir / page).is_file():
                    continue
                weight = load_weight(
                    driver,
                    f"{url}/{quote(page)}",
                    url,
                    html_dir,
                    cache,
                    start_explorers=True,
                )
                out[page] = {
                    "mb": weight["raw_bytes"] / 1e6,
                    "gzip_mb": weight["gzip_bytes"] / 1e6,
                    "files": len(weight["files"]),
                }
                if weight["explorers"]:
                    before = load_weight(
                        driver, f"{url}/{quote(page)}", url, html_dir, cache
                    )
                    out[page]["mb_before_start"] = before["raw_bytes"] / 1e6
                    out[page]["gzip_mb_before_start"] = (
                        before["gzip_bytes"] / 1e6
                    )
    finally:
        driver.quit()
    return out


def chapter_runs(cores: str, outdir: Path, chapters=None) -> dict:
    runs = {}
    for path in chapters or chapter_notebooks():
        out = outdir / f"{path.stem}.{cores.replace('-', '_')}.ipynb"
        cmd = [
            "taskset",
            "-c",
            cores,
            sys.executable,
            "-m",
            "tools.execute",
            str(path),
            str(out),
        ]
        wall, rss, _ = gnu_time(cmd)
        runs[path.stem] = {
            "wall_s": round(wall, 1),
            "peak_rss_mb": round(rss),
        }
        print(
            f"  {path.stem:<28} cores {cores}: {wall:6.1f} s, peak RSS {rss:6.0f} MB",
            flush=True,
        )
    return runs


# A cell whose code calls a live explorer (``explorer.latent_plane(...)``): its decoder export
# is a build-time cost measured apart (``--skip-explorers``).
EXPLORER_CALL = re.compile(r"^\s*explorer\.\w+\(", re.MULTILINE)
# nbclient skips cells tagged ``skip-execution`` (as the book build does); a learner's Run All
# runs them, so the measurement does too.
_RUN_EVERY_CELL = "vaecourse-run-every-cell"


def process_memory_mib(pid: int) -> dict[str, float]:
    """``VmHWM`` (the peak resident set so far) and ``VmRSS`` of process ``pid``, in MiB,
    from ``/proc/<pid>/status``."""
    status = Path(f"/proc/{pid}/status").read_text()
    return {
        key: int(
            re.search(rf"^{key}:\s+(\d+) kB", status, re.MULTILINE).group(1)
        )
        / 1024
        for key in ("VmHWM", "VmRSS")
    }


@contextlib.contextmanager
def kernel_for(python: str | None):
    """The name of a kernel that runs ``python`` (an interpreter with ipykernel, e.g. another
    venv's ``bin/python``): a kernelspec in a temporary folder put first on JUPYTER_PATH.
    With ``None``, the default ``python3`` kernel."""
    if python is None:
        yield "python3"
        return
    with tempfile.TemporaryDirectory() as folder:
        spec = Path(folder) / "kernels" / "vaecourse-measured"
        spec.mkdir(parents=True)
        argv = [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        (spec / "kernel.json").write_text(
            json.dumps(
                {"argv": argv, "display_name": python, "language": "python"}
            )
        )
        path = os.pathsep.join(
            p for p in (folder, os.environ.get("JUPYTER_PATH")) if p
        )
        from .execute import _environment

        with _environment(JUPYTER_PATH=path):
            yield "vaecourse-measured"


def kernel_peak(
    notebook: Path,
    skip_explorers: bool = False,
    per_cell: bool = False,
    timeout: int = 3600,
    python: str | None = None,
    save: Path | None = None,
) -> dict:
    """The kernel's peak memory on a learner's Run All of ``notebook``.

    Runs every code cell top to bottom (``skip-execution`` ones too, as Jupyter's Run All
    does) in a fresh ipykernel in the notebook's folder, reader profile with the shipped
    weights, and reads the KERNEL process's ``VmHWM`` from ``/proc`` at the end (the
    client's own memory is not counted). ``skip_explorers`` leaves out the cells that call
    ``explorer.…(``. Returns ``peak_mib``, ``wall_s``, the cells skipped, and with
    ``per_cell`` a row per code cell run: its index, first line, and the kernel's VmHWM
    and VmRSS after it. ``python`` runs the kernel with that interpreter (another
    environment, e.g. Binder's tensorflow-cpu); ``save`` writes the executed notebook there
    (to compare its printed numbers with another run's).
    """
    import nbformat
    from nbclient import NotebookClient

    from .execute import _environment

    nb = nbformat.read(notebook, as_version=4)
    cells, skipped = [], []
    env = {"VAECOURSE_PROFILE": "reader", "VAECOURSE_RETRAIN": "0"}
    start = time.perf_counter()
    with _environment(**env), kernel_for(python) as kernel_name:
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name=kernel_name,
            skip_cells_with_tag=_RUN_EVERY_CELL,
            resources={"metadata": {"path": str(Path(notebook).parent)}},
        )
        with client.setup_kernel():
            pid = client.km.provisioner.pid
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                if skip_explorers and EXPLORER_CALL.search(cell.source):
                    skipped.append(index)
                    continue
                client.execute_cell(cell, index)
                if per_cell:
                    first_line = cell.source.strip().splitlines()[0][:60]
                    cells.append(
                        {"cell": index, "code": first_line}
                        | process_memory_mib(pid)
                    )
            peak = process_memory_mib(pid)["VmHWM"]
    if save is not None:
        nbformat.write(nb, save)
    return {
        "peak_mib": round(peak),
        "wall_s": round(time.perf_counter() - start, 1),
        "skipped_cells": skipped,
        "cells": cells,
    }


def kernel_environment(python: str | None) -> str:
    """What ran the measured kernels: TensorFlow's distribution and version in ``python``'s
    environment (e.g. Binder's ``tensorflow-cpu``)."""
    code = (
        "import importlib.metadata as m\n"
        "for d in ('tensorflow-cpu', 'tensorflow'):\n"
        "    try: print(d, m.version(d)); break\n"
        "    except m.PackageNotFoundError: pass"
    )
    done = subprocess.run(
        [python or sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def kernel_peaks(
    skip_explorers: bool, chapters=None, python: str | None = None
) -> dict[str, int]:
    """:func:`kernel_peak` of each chapter (or of the ``chapters`` given), one at a time,
    with the kernel run by ``python`` (None: this environment's)."""
    peaks = {}
    for path in chapters or chapter_notebooks():
        peaks[path.stem] = kernel_peak(path, skip_explorers, python=python)[
            "peak_mib"
        ]
        print(
            f"  {path.stem:<28} kernel peak {peaks[path.stem]:5d} MiB",
            flush=True,
        )
    return peaks


def printed_numbers(nb_path: Path) -> list[float]:
    import nbformat

    text = ELAPSED.sub("", stream_text(nbformat.read(nb_path, as_version=4)))
    return [float(x) for x in NUMBER.findall(text)]


def largest_relative_difference(outdir: Path) -> tuple[float, int]:
    worst, compared = 0.0, 0
    for path in chapter_notebooks():
        if not (outdir / f"{path.stem}.0.ipynb").exists():  # left out
            continue
        a = printed_numbers(outdir / f"{path.stem}.0_1.ipynb")
        b = printed_numbers(outdir / f"{path.stem}.0.ipynb")
        if len(a) != len(b):
            return float("inf"), compared
        for x, y in zip(a, b):
            compared += 1
            scale = max(abs(x), abs(y), 1e-12)
            worst = max(worst, abs(x - y) / scale)
    return worst, compared


def headline_metrics(outdir: Path) -> dict[str, float]:
    """Values the chapters glued with ``vaecourse.results.headline`` (2-core run)."""
    import nbformat

    found = {}
    for path in chapter_notebooks():
        nb_path = outdir / f"{path.stem}.0_1.ipynb"
        if not nb_path.exists():  # a chapter left out (--chapters)
            continue
        for cell in nbformat.read(nb_path, as_version=4).cells:
            for out in cell.get("outputs", []):
                name = (
                    out.get("metadata", {}).get("scrapbook", {}).get("name")
                )
                # chN_… names are numbers glued into a chapter's prose, not headlines
                if name and not re.match(r"ch\d+_", name):
                    # myst-nb's glue stores the value under a prefixed text/plain mime type
                    text = next(
                        v
                        for k, v in out["data"].items()
                        if k.endswith("text/plain")
                    )
                    try:
                        found[name] = float(text)
                    except (
                        ValueError
                    ):  # a glued word or list, quoted in prose, not a metric
                        continue
    return found


def write_report(report: dict) -> None:
    REPORT_JSON.write_text(json.dumps(report, indent=1) + "\n")
    t = TARGETS
    lines = [
        f"Measured on {report['machine']} on {report['date']} with "
        f"`python -m tools.benchmark`.",
        "",
        "| what | measured | target |",
        "| --- | --- | --- |",
    ]
    if "clean_build_s" in report:
        lines += [
            f"| clean book build | {report['clean_build_s']:.0f} s | ≤ {t['clean_build_s']} s |",
            f"| cached rebuild | {report['cached_build_s']:.0f} s | ≤ {t['cached_build_s']} s |",
        ]
    if "weights_mb" in report:
        lines.append(
            f"| size of the shipped `weights/` | {report['weights_mb']:.1f} MB | small |"
        )
    if "tests_s" in report:
        lines.append(
            f"| test command (`make test`) | {report['tests_s']:.0f} s | ≤ {t['tests_s']} s |"
        )
    if "determinism" in report:
        d = report["determinism"]
        lines.append(
            f"| largest relative difference of {d['numbers_compared']} printed numbers "
            f"between two reader runs | {d['largest_relative_difference']:.2g} | 0 |"
        )
    lines += [
        "",
        "Each chapter alone in a fresh kernel, reader profile (shipped weights):",
        "",
        (
            "| chapter | 2 cores | 1 core | peak RSS (1 core) "
            "| kernel peak (Run All) | kernel peak without the explorer cells |"
        ),
        "| --- | --- | --- | --- | --- | --- |",
    ]
    peaks = report.get("kernel_peak_mib", {})
    peaks_without = report.get("kernel_peak_without_explorers_mib", {})
    for stem, two in report.get("chapters_2_cores", {}).items():
        one = report["chapters_1_core"][stem]
        lines.append(
            f"| {stem} | {two['wall_s']:.0f} s | {one['wall_s']:.0f} s | "
            f"{one['peak_rss_mb']} MB | {peaks.get(stem, '–')} MiB | "
            f"{peaks_without.get(stem, '–')} MiB |"
        )
    lines += [
        "",
        (
            f"Targets per chapter: ≤ {t['chapter_1core_s']} s on 1 core, "
            f"≤ {t['chapter_rss_mb'] / 1024:.1f} GB peak RSS, the kernel's peak "
            f"≤ {t['kernel_peak_mib']} MiB (Binder's 1 GB). Peak RSS is the "
            "largest process of `python -m tools.execute` (GNU time); the kernel "
            "peak is the ipykernel's own VmHWM after every cell has run, as "
            "a learner's Run All runs them (`python -m tools.benchmark "
            "--kernel-peak NN`)"
            + (
                f", the kernel run by {report['kernel_python']}."
                if report.get("kernel_python")
                else "."
            )
        ),
        "",
    ]
    if report.get("pages"):
        lines += [
            (
                "Each page as a browser downloads it (every file it loads: HTML, "
                "scripts, style sheets, fonts, images), as the files are and "
                "gzip-compressed, in MB of 10^6 bytes; a page with live explorers "
                "with its decoders loaded (its start buttons pressed), and in "
                "brackets before:"
            ),
            "",
            "| page | files | weight | compressed |",
            "| --- | --- | --- | --- |",
        ]
        for page, w in report["pages"].items():
            raw, gz = f"{w['mb']:.2f} MB", f"{w['gzip_mb']:.2f} MB"
            if "mb_before_start" in w:
                raw += f" ({w['mb_before_start']:.2f} MB)"
                gz += f" ({w['gzip_mb_before_start']:.2f} MB)"
            lines.append(
                f"| {page.removesuffix('.html')} | {w['files']} | {raw} | {gz} |"
            )
        lines += [
            "",
            (
                f"Targets per page: ≤ {t['page_mb']} MB, ≤ {t['page_gzip_mb']} MB "
                "compressed (MB of 10^6 bytes)."
            ),
            "",
        ]
    if report.get("headlines"):
        lines += [
            "Headline metrics (printed by the chapters):",
            "",
            "| metric | value |",
            "| --- | --- |",
        ]
        lines += [f"| {k} | {v:g} |" for k, v in report["headlines"].items()]
        lines.append("")
    REPORT_MD.write_text("\n".join(lines))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Measure the course on this machine."
    )
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--skip-tests", action="store_true")
    parser.add_argument("--skip-chapters", action="store_true")
    parser.add_argument(
        "--site",
        type=Path,
        help="weigh the pages of this built site (a _build/html folder) instead "
        "of the one the build makes",
    )
    parser.add_argument(
        "--kernel-peak",
        nargs="+",
        metavar="NN",
        help="only measure the kernel's peak memory (VmHWM) on a Run All of these "
        "chapters (e.g. 06) or pages (e.g. papers), print it and write no report",
    )
    parser.add_argument(
        "--skip-explorers",
        action="store_true",
        help="with --kernel-peak: leave out the cells that call explorer.…(",
    )
    parser.add_argument(
        "--per-cell",
        action="store_true",
        help="with --kernel-peak: print the kernel's VmHWM and VmRSS after each cell",
    )
    parser.add_argument(
        "--python",
        help="run the measured kernels with this interpreter (another "
        "environment's bin/python, with ipykernel installed)",
    )
    parser.add_argument(
        "--chapters",
        nargs="+",
        metavar="NN",
        help="measure only these chapters (times, peaks, headlines) and merge "
        "their rows into the last report; the determinism check then covers "
        "them only, and the report keeps the last full run's",
    )
    parser.add_argument(
        "--save",
        type=Path,
        metavar="DIR",
        help="with --kernel-peak: write each executed notebook into DIR",
    )
    args = parser.parse_args(argv)
    if args.kernel_peak:
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
        for number in args.kernel_peak:
            path = find_notebook(number)
            run = kernel_peak(
                path,
                args.skip_explorers,
                args.per_cell,
                python=args.python,
                save=args.save / path.name if args.save else None,
            )
            for row in run["cells"]:
                print(
                    f"  cell {row['cell']:3d}  VmHWM {row['VmHWM']:6.0f}  "
                    f"VmRSS {row['VmRSS']:6.0f} MiB  {row['code']}"
                )
            skipped = (
                f" (explorer cells {run['skipped_cells']} skipped)"
                if args.skip_explorers
                else ""
            )
            print(
                f"{path.stem}: kernel peak {run['peak_mib']} MiB on a Run All "
                f"in {run['wall_s']:.0f} s{skipped}",
                flush=True,
            )
        return 0
    env = {**os.environ, "VAECOURSE_PROFILE": "reader"}
    env.pop("VAECOURSE_RETRAIN", None)
    previous = {}
    if REPORT_JSON.exists():
        previous = json.loads(REPORT_JSON.read_text())
    report = {
        **previous,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
    }

    report["weights_mb"] = round(
        sum(p.stat().st_size for p in WEIGHTS_DIR.iterdir()) / 2**20, 1
    )
    if not args.skip_build:
        # The README's build, from an empty _build/ (no execution cache): the test command
        # below then runs against this fresh site, as in CI.
        shutil.rmtree(ROOT / "_build", ignore_errors=True)
        print("clean build ...", flush=True)
        report["clean_build_s"] = round(run_timed(BUILD, env=env), 1)
        print(
            f"  {report['clean_build_s']} s; cached rebuild ...", flush=True
        )
        report["cached_build_s"] = round(run_timed(BUILD, env=env), 1)
        print(f"  {report['cached_build_s']} s", flush=True)
    if args.site or not args.skip_build:
        site = args.site or ROOT / "_build" / "html"
        print(f"page weights of {site} ...", flush=True)
        report.pop(
            "page_mb", None
        )  # the HTML and its images only: superseded
        report["pages"] = {
            page: {k: round(v, 3) for k, v in w.items()}
            for page, w in page_weights(site).items()
        }
        for page, w in report["pages"].items():
            before = (
                f"; before Start {w['mb_before_start']:.2f} MB, "
                f"{w['gzip_mb_before_start']:.2f} MB compressed"
                if "mb_before_start" in w
                else ""
            )
            print(
                f"  {page}: {w['mb']:.2f} MB, {w['gzip_mb']:.2f} MB compressed "
                f"({w['files']:.0f} files{before}) [MB = 10^6 bytes]"
            )

    if not args.skip_chapters:
        outdir = Path(tempfile.mkdtemp(prefix="vaecourse-chapters-"))
        only = (
            [find_notebook(n) for n in args.chapters]
            if args.chapters
            else None
        )

        def merged(key, rows):
            # with --chapters, the other chapters' rows stay as last measured;
            # rows in book order
            if not only:
                return rows
            rows = {**report.get(key, {}), **rows}
            order = [p.stem for p in chapter_notebooks()]
            return dict(
                sorted(
                    rows.items(),
                    key=lambda kv: (
                        order.index(kv[0]) if kv[0] in order else len(order)
                    ),
                )
            )

        print("chapters on 2 cores ...", flush=True)
        report["chapters_2_cores"] = merged(
            "chapters_2_cores", chapter_runs("0-1", outdir, only)
        )
        print("chapters on 1 core ...", flush=True)
        report["chapters_1_core"] = merged(
            "chapters_1_core", chapter_runs("0", outdir, only)
        )
        worst, compared = largest_relative_difference(outdir)
        if not only:
            report["determinism"] = {
                "largest_relative_difference": worst,
                "numbers_compared": compared,
            }
        print(
            f"  determinism: largest relative difference {worst:.3g} over {compared} numbers"
        )
        print("kernel peak on a Run All ...", flush=True)
        report["kernel_python"] = kernel_environment(args.python)
        report["kernel_peak_mib"] = merged(
            "kernel_peak_mib",
            kernel_peaks(
                skip_explorers=False, chapters=only, python=args.python
            ),
        )
        print(
            "kernel peak on a Run All, explorer cells left out ...",
            flush=True,
        )
        report["kernel_peak_without_explorers_mib"] = merged(
            "kernel_peak_without_explorers_mib",
            kernel_peaks(
                skip_explorers=True, chapters=only, python=args.python
            ),
        )
        report["headlines"] = merged("headlines", headline_metrics(outdir))
        for k, v in report["headlines"].items():
            print(f"  {k}: {v}")

    if not args.skip_tests:
        print("test command ...", flush=True)
        report["tests_s"] = round(run_timed(TEST), 1)
        print(f"  {report['tests_s']} s")

    write_report(report)
    print(
        f"wrote {REPORT_JSON.relative_to(ROOT)} and {REPORT_MD.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
