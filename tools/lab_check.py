"""Open a chapter's notebook in JupyterLab as a learner in Binder would, and run it.

    python -m tools.lab_check 06                     # chapter 6 (make lab-check)
    python -m tools.lab_check 01 --screenshot-pages 8
    python -m tools.lab_check papers                 # the appendix page appendix/papers

JupyterLab starts as Binder configures it (tools/lab_server.py) with the repository as its
root; headless Chromium opens ``chapters/NN_name.ipynb`` (or ``appendix/name.ipynb``),
runs JupyterLab's own Run All command and waits for the kernel to go idle. Then it checks what a learner would see:

* no cell failed and no output holds a traceback (in the notebook's model and on the
  screen);
* each ipywidgets slider on the page redraws its figure when moved with the keyboard (so
  the widgets render in JupyterLab: ipywidgets' lab extension is ``jupyterlab_widgets``);
* book markup (MyST roles and directives) that JupyterLab shows as raw text is listed.

It prints the Run All time and the kernel's peak memory (VmHWM), and saves screenshots of
the notebook from the top, page by page, and of each moved widget, into
``_build/lab-check/``: look at them. Exits 1 when a check fails. A chapter takes about a
minute on two cores in the reader profile.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import psutil

from tools.benchmark import process_memory_mib
from tools.book import find_notebook
from tools.browser import make_driver
from tools.lab_server import LabServer, binder_lab
from tools.learner_notebook import MYST_LEFTOVERS
from vaecourse.paths import ROOT

OUT = ROOT / "_build" / "lab-check"
# The open notebook's panel, from JupyterLab's app (exposed by tools/lab_server.py).
PANEL = "const panel = window.jupyterapp.shell.currentWidget;"
KERNEL_STATUS = (
    PANEL + "const session = panel && panel.sessionContext.session;"
    "return session && session.kernel ? session.kernel.status : null;"
)
# Started here, its answer polled (RUN_ALL_RESULT): a script that waited for a long Run All
# would outlast the WebDriver connection's own timeout (120 s).
RUN_ALL = """
window.vaecourseRunAll = null;
window.jupyterapp.commands.execute('notebook:run-all-cells').then(
    ok => { window.vaecourseRunAll = {ok: ok}; },
    error => { window.vaecourseRunAll = {error: String(error)}; });
"""
RUN_ALL_RESULT = "return window.vaecourseRunAll;"
# The notebook's cells as its model holds them after the run (the page may not render
# cells out of view): type, source and outputs.
CELLS = (
    PANEL
    + """
return [...panel.content.model.cells].map(cell => ({
    type: cell.type,
    source: cell.sharedModel.getSource(),
    outputs: cell.type === 'code' ? cell.outputs.toJSON() : [],
}));
"""
)
SCREEN_ERRORS = """
return [...document.querySelectorAll(
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"],'
    + '[data-mime-type="application/vnd.jupyter.error"]')]
  .filter(e => e.dataset.mimeType.endsWith('error') || e.textContent.includes('Traceback'))
  .map(e => e.textContent.slice(0, 400));
"""
SCROLLER = (
    PANEL
    + "const scroller = panel.content.node.closest('.jp-WindowedPanel-outer')"
    " || panel.content.node.querySelector('.jp-WindowedPanel-outer');"
)


def wait_for(driver, script: str, expected, timeout: float, what: str):
    from selenium.common.exceptions import JavascriptException

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = driver.execute_script(script)
        except JavascriptException:  # the page is still loading: no app yet
            value = None
        if value == expected:
            return
        time.sleep(0.5)
    raise TimeoutError(
        f"{what} within {timeout:.0f} s (last state: {value!r})"
    )


def kernel_peak_memory(server: LabServer) -> tuple[str, int]:
    """The running kernel's id and its peak resident memory (VmHWM, bytes)."""
    (kernel,) = server.get("api/kernels")
    connection_file = f"kernel-{kernel['id']}.json"
    for process in psutil.Process(server.process.pid).children(
        recursive=True
    ):
        if any(connection_file in part for part in process.cmdline()):
            peak_mib = process_memory_mib(process.pid)["VmHWM"]
            return kernel["id"], round(peak_mib * 2**20)
    raise RuntimeError(f"no process of the server holds {connection_file}")


def tracebacks(outputs) -> list[str]:
    found = []
    for index, output in outputs:
        if output["output_type"] == "error":
            found.append(
                f"cell {index}: {output['ename']}: {output['evalue']}"
            )
        elif output.get("name") == "stderr" and "Traceback" in output["text"]:
            found.append(f"cell {index}: stderr: {output['text'][:300]}")
    return found


def stderr_lines(outputs) -> list[str]:
    """What the learner sees in red-tinted stderr boxes (warnings, logs)."""
    return [
        f"cell {index}: {output['text'].strip().splitlines()[0][:160]}"
        for index, output in outputs
        if output.get("name") == "stderr" and output["text"].strip()
    ]


def book_markup(markdown_cells) -> list[str]:
    """Lines of markdown cells holding MyST markup, each line once."""
    found = []
    for index, source in markdown_cells:
        for line in source.splitlines():
            if MYST_LEFTOVERS.search(line):
                found.append(f"cell {index}: {line.strip()[:120]}")
    return found


def move_sliders(driver, out: Path, stem: str) -> list[str]:
    """Move each ipywidgets slider one step right; its figure must change."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    problems = []
    widgets = driver.find_elements(By.CSS_SELECTOR, ".widget-interact")
    for number, widget in enumerate(widgets, start=1):
        handles = widget.find_elements(By.CSS_SELECTOR, ".noUi-handle")
        images = widget.find_elements(By.CSS_SELECTOR, ".widget-output img")
        if not handles or not images:
            problems.append(
                f"widget {number}: no slider or no image in it "
                f"({len(handles)} sliders, {len(images)} images)"
            )
            continue
        driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center'});", widget
        )
        before = images[0].get_attribute("src")
        readout = widget.find_element(By.CSS_SELECTOR, ".widget-readout")
        value = readout.text
        handles[0].click()
        handles[0].send_keys(Keys.ARROW_RIGHT)
        deadline = time.monotonic() + 60
        after = before
        while time.monotonic() < deadline and after == before:
            time.sleep(0.5)
            current = widget.find_elements(
                By.CSS_SELECTOR, ".widget-output img"
            )
            after = current[0].get_attribute("src") if current else before
        moved = readout.text
        driver.save_screenshot(str(out / f"{stem}-widget-{number}.png"))
        print(f"widget {number}: slider {value} -> {moved}; ", end="")
        if after == before:
            problems.append(
                f"widget {number}: the slider moved ({value} -> {moved}) "
                "but its image did not change within 60 s"
            )
            print("the image did NOT change")
        else:
            print("the image changed")
    return problems


def screenshot_pages(driver, out: Path, stem: str, pages: int) -> None:
    driver.execute_script(SCROLLER + "scroller.scrollTop = 0;")
    for page in range(1, pages + 1):
        time.sleep(1)  # MathJax and images settle
        path = out / f"{stem}-page-{page}.png"
        driver.save_screenshot(str(path))
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"screenshot: {shown}")
        at_end = driver.execute_script(
            SCROLLER + "const before = scroller.scrollTop;"
            "scroller.scrollTop += scroller.clientHeight - 40;"
            "return scroller.scrollTop === before;"
        )
        if at_end:
            break


def dismiss_news_question(driver) -> None:
    """JupyterLab asks whether to fetch Jupyter news; a learner can say no."""
    from selenium.webdriver.common.by import By

    for button in driver.find_elements(
        By.XPATH, "//*[contains(@class, 'jp-toast')]//button[.='No']"
    ):
        button.click()


def open_and_run_all(
    driver, server: LabServer, relative: str, timeout: float
) -> tuple[dict, float, int]:
    """Open the notebook and Run All: JupyterLab's answer, seconds, kernel VmHWM."""
    driver.set_script_timeout(timeout)
    driver.get(server.lab_url(relative))
    wait_for(
        driver,
        KERNEL_STATUS,
        "idle",
        120,
        f"no idle kernel for {relative}",
    )
    dismiss_news_question(driver)
    print(f"{relative}: Run All ...", flush=True)
    start = time.monotonic()
    driver.execute_script(RUN_ALL)
    deadline = time.monotonic() + timeout
    while (result := driver.execute_script(RUN_ALL_RESULT)) is None:
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"Run All did not finish within {timeout:.0f} s"
            )
        time.sleep(1)
    wait_for(
        driver,
        KERNEL_STATUS,
        "idle",
        timeout,
        "the kernel did not go idle",
    )
    seconds = time.monotonic() - start
    kernel_id, peak = kernel_peak_memory(server)
    print(
        f"Run All: {seconds:.0f} s, all cells ran: {result.get('ok')}; "
        f"kernel {kernel_id[:8]} peak memory (VmHWM) {peak / 2**30:.2f} GiB"
    )
    return result, seconds, peak


def check(
    chapter: str,
    pages: int,
    out: Path,
    timeout: float,
    kernel_python: Path | None = None,
) -> int:
    notebook = find_notebook(chapter)
    relative = notebook.relative_to(ROOT).as_posix()
    out.mkdir(parents=True, exist_ok=True)
    stem = notebook.stem
    problems: list[str] = []
    with binder_lab(kernel_python=kernel_python) as server:
        driver = make_driver(1280, 1000)
        try:
            result, seconds, peak = open_and_run_all(
                driver, server, relative, timeout
            )
            if not result.get("ok"):
                problems.append(
                    f"Run All did not finish every cell: {result}"
                )
            cells = driver.execute_script(CELLS)
            outputs = [
                (index, output)
                for index, cell in enumerate(cells)
                for output in cell["outputs"]
            ]
            problems += tracebacks(outputs)
            problems += [
                f"on screen: {text}"
                for text in driver.execute_script(SCREEN_ERRORS)
            ]
            stderr = stderr_lines(outputs)
            for line in stderr:
                print(f"stderr shown: {line}")
            markup = book_markup(
                (index, cell["source"])
                for index, cell in enumerate(cells)
                if cell["type"] == "markdown"
            )
            print(f"book markup shown raw on {len(markup)} lines")
            for line in markup:
                print(f"  {line}")
            uses_widgets = "ipywidgets" in notebook.read_text()
            widgets = driver.execute_script(
                "return document.querySelectorAll('.widget-interact').length"
            )
            if uses_widgets and not widgets:
                problems.append(
                    "the notebook imports ipywidgets but no widget rendered: is "
                    "jupyterlab_widgets installed in the server's environment?"
                )
            problems += move_sliders(driver, out, stem)
            screenshot_pages(driver, out, stem, pages)
        finally:
            driver.quit()
    summary = {
        "notebook": relative,
        "run_all_seconds": round(seconds, 1),
        "kernel_peak_memory_bytes": peak,
        "stderr_shown": stderr,
        "book_markup_shown": markup,
        "problems": problems,
    }
    (out / f"{stem}.json").write_text(json.dumps(summary, indent=1) + "\n")
    for problem in problems:
        print(f"FAIL: {problem}")
    print("lab check: " + ("FAILED" if problems else "passed"))
    return 1 if problems else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "chapter",
        help="the chapter's number, e.g. 06, or a page's name, e.g. papers",
    )
    parser.add_argument(
        "--screenshot-pages",
        type=int,
        default=3,
        help="screenshots of the notebook from the top, one screen each (default 3)",
    )
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--timeout", type=float, default=900, help="seconds for Run All"
    )
    parser.add_argument(
        "--kernel-python",
        type=Path,
        help="run the kernel with this interpreter (e.g. an environment with "
        "Binder's tensorflow-cpu); default: this one",
    )
    args = parser.parse_args(argv)
    return check(
        args.chapter,
        args.screenshot_pages,
        args.out,
        args.timeout,
        args.kernel_python,
    )


if __name__ == "__main__":
    sys.exit(main())
