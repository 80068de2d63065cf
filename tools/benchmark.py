"""Measure what the course costs on this machine; print the figures and write a report.

    python -m tools.benchmark            # everything (about half an hour here)
    python -m tools.benchmark --skip-tests --skip-build

Measures:
* the README's book command (``make book``) from an empty ``_build/``, and again cached;
* each chapter executed alone in a fresh kernel in the reader profile, on 2 cores and on
  1 core (``taskset -c 0``, as Binder runs it): wall time and peak RSS (GNU time);
* the README's test command (``make test``);
* each built page's weight: the HTML plus the images it shows;
* the headline metrics printed by the chapters, and the largest relative difference of the
  printed numbers between the two reader-profile runs (determinism).

Writes ``results/benchmark.json`` and ``results/benchmark.md`` (shown in the book's appendix).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

from vaecourse.paths import RESULTS_DIR, ROOT, WEIGHTS_DIR

from .book import chapter_notebooks
from .execute import stream_text

REPORT_JSON = RESULTS_DIR / "benchmark.json"
REPORT_MD = RESULTS_DIR / "benchmark.md"

# The README's two commands.
BUILD = ["make", "book"]
TEST = ["make", "test"]
# The course's budgets (DEVELOPERS.md): seconds, MB.
TARGETS = {
    "clean_build_s": 240,
    "cached_build_s": 30,
    "chapter_1core_s": 90,
    "chapter_rss_mb": 1229,
    "tests_s": 180,
    "page_mb": 3.0,
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


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if (
            tag == "img"
            and attrs.get("src")
            and not attrs["src"].startswith("data:")
        ):
            self.images.append(attrs["src"])


def page_weights(html_dir: Path) -> dict[str, float]:
    """MB per chapter page: the HTML (with its inline data) plus the local images it shows."""
    out = {}
    pages = [
        html_dir / "intro.html",
        *sorted(html_dir.glob("chapters/*.html")),
        *sorted(html_dir.glob("appendix/*.html")),
    ]
    for page in pages:
        parser = _Assets()
        parser.feed(page.read_text(errors="replace"))
        size = page.stat().st_size
        for src in set(parser.images):
            img = (page.parent / src.split("#")[0].split("?")[0]).resolve()
            if img.is_file():
                size += img.stat().st_size
        out[str(page.relative_to(html_dir))] = size / 2**20
    return out


def chapter_runs(cores: str, outdir: Path) -> dict:
    runs = {}
    for path in chapter_notebooks():
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


def printed_numbers(nb_path: Path) -> list[float]:
    import nbformat

    text = ELAPSED.sub("", stream_text(nbformat.read(nb_path, as_version=4)))
    return [float(x) for x in NUMBER.findall(text)]


def largest_relative_difference(outdir: Path) -> tuple[float, int]:
    worst, compared = 0.0, 0
    for path in chapter_notebooks():
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
        "| chapter | 2 cores | 1 core | peak RSS (1 core) | page weight |",
        "| --- | --- | --- | --- | --- |",
    ]
    for stem, two in report.get("chapters_2_cores", {}).items():
        one = report["chapters_1_core"][stem]
        weight = report.get("page_mb", {}).get(f"chapters/{stem}.html")
        weight = f"{weight:.2f} MB" if weight is not None else "–"
        lines.append(
            f"| {stem} | {two['wall_s']:.0f} s | {one['wall_s']:.0f} s | "
            f"{one['peak_rss_mb']} MB | {weight} |"
        )
    lines += [
        "",
        f"Targets per chapter: ≤ {t['chapter_1core_s']} s on 1 core, "
        f"≤ {t['chapter_rss_mb'] / 1024:.1f} GB peak RSS, page ≤ {t['page_mb']} MB.",
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
    args = parser.parse_args(argv)
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
        report["page_mb"] = {
            k: round(v, 3)
            for k, v in page_weights(ROOT / "_build" / "html").items()
        }
        for page, mb in report["page_mb"].items():
            print(f"  page {page}: {mb:.2f} MB")

    if not args.skip_chapters:
        outdir = Path(tempfile.mkdtemp(prefix="vaecourse-chapters-"))
        print("chapters on 2 cores ...", flush=True)
        report["chapters_2_cores"] = chapter_runs("0-1", outdir)
        print("chapters on 1 core ...", flush=True)
        report["chapters_1_core"] = chapter_runs("0", outdir)
        worst, compared = largest_relative_difference(outdir)
        report["determinism"] = {
            "largest_relative_difference": worst,
            "numbers_compared": compared,
        }
        print(
            f"  determinism: largest relative difference {worst:.3g} over {compared} numbers"
        )
        report["headlines"] = headline_metrics(outdir)
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
