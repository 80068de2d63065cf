"""Chapter 10's code grid explorer (vaecourse.explorer.code_grid, explorer.js's CodeGrid).

The reader paints the VQ-VAE's 7×7 grid of codes from a palette of the codebook and the
page decodes it in JavaScript: its pixels must be Keras's (within TOLERANCE) for test
digits' grids, painted grids and random ones. Painting by click and by keyboard must
change the digit; the controls wait for Start; two explorers on one page share no
element id (nor radio group); the page works from ``file://``, fits a phone's width, and
axe-core finds no serious violation in it once started. These tests make their own
pages in a temporary folder (no built book needed).
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

import numpy as np
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from test_explorers import _errors, _load, _wait_started

#: The largest pixel difference allowed between the page and Keras.
TOLERANCE = 2e-3
MODEL = "vq_vae"
N_DIGITS = 6


@pytest.fixture(scope="module")
def vq():
    from vaecourse import zoo
    from vaecourse.training import weights_path

    model = zoo.build(MODEL)
    model.load_weights(weights_path(MODEL))
    return model


@pytest.fixture(scope="module")
def test_grids(vq):
    from vaecourse import zoo

    x_test, y_test = zoo.test_data(MODEL)
    return np.asarray(vq.encode(x_test[:N_DIGITS])), y_test[:N_DIGITS]


def _html(vq, test_grids, **kw):
    from vaecourse import explorer

    codes, labels = test_grids
    return explorer.code_grid(vq, codes, labels, model=MODEL, **kw).data


def _write(folder: Path, outputs, name="code_grid.html") -> Path:
    page = folder / name
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>Code grid</title></head><body><main><h1>Code grid</h1>"
        + "".join(f"<div class='output'>{html}</div>" for html in outputs)
        + "</main></body></html>"
    )
    return page


@pytest.fixture(scope="module")
def inline_page(vq, test_grids, tmp_path_factory):
    """The explorer as a notebook shows it (data inline), saved as a file."""
    import os

    from vaecourse import explorer

    assert not os.environ.get(explorer.SITE_ASSETS_ENV)
    return _write(
        tmp_path_factory.mktemp("grid"), [_html(vq, test_grids, start=1)]
    )


def _open(driver, page: Path):
    url = page.resolve().as_uri()  # file://: no server, no fetch
    _load(driver, url)
    _wait_started(driver, url)


def _pixels(driver, index=0):
    return np.asarray(
        driver.execute_script(
            "return Array.from(window.VaeExplorer.instances[arguments[0]]"
            ".pixels)",
            index,
        )
    )


def _codes(driver, index=0):
    return driver.execute_script(
        "return Array.from(window.VaeExplorer.instances[arguments[0]].codes)",
        index,
    )


def _keras(vq, grids):
    return np.asarray(vq.decode(np.asarray(grids, "int32"))).reshape(
        len(grids), -1
    )


def test_the_page_decodes_what_keras_decodes(
    inline_page, browser, vq, test_grids
):
    """Test digits' grids, the same painted over, random grids and grids of
    one code: the page's decoder (codebook lookup, then the convolutions)
    draws Keras's pixels, within TOLERANCE; the shown grid too."""
    from tools.export_explorers import filled_grids, painted_grids

    codes, _ = test_grids
    grids = np.concatenate(
        [
            codes[:3],
            painted_grids(codes, 64, 6, seed=11),
            filled_grids(64, (7, 7))[[0, 17, 63]],
        ]
    )
    _open(browser, inline_page)
    result = browser.execute_script(
        "const e = window.VaeExplorer.instances[0];"
        "const t0 = performance.now();"
        "const out = arguments[0].map(g => Array.from(e.decoder.decodeCodes(g)));"
        "return {out, ms: (performance.now() - t0) / arguments[0].length};",
        grids.reshape(len(grids), -1).tolist(),
    )
    ours = np.asarray(result["out"])
    theirs = _keras(vq, grids)
    difference = np.abs(ours - theirs).max(axis=1)
    assert difference.max() <= TOLERANCE, (
        f"the page's VQ-VAE decoder differs from Keras by {difference}"
    )
    print(
        f"code grid: largest difference {difference.max():.1e}, "
        f"{result['ms']:.0f} ms per decode"
    )
    # What the page shows first: the start digit's codes, decoded.
    assert _codes(browser) == codes[1].ravel().tolist()
    shown = _pixels(browser)
    assert np.abs(shown - _keras(vq, codes[1:2])[0]).max() <= TOLERANCE
    # The digit drawn on the canvas is those pixels (grey levels of 1/255).
    drawn = browser.execute_script(
        "const c = window.VaeExplorer.instances[0].digit;"
        "const d = c.getContext('2d').getImageData(0, 0, 28, 28).data;"
        "return Array.from(d).filter((v, i) => i % 4 === 0);"
    )
    assert (
        np.abs(1 - np.asarray(drawn) / 255 - shown).max() <= 0.5 / 255 + 1e-6
    )
    assert not _errors(browser), _errors(browser)


def _cells(driver):
    return driver.find_elements(
        By.CSS_SELECTOR, ".vae-explorer-codes .vx-cell"
    )


def test_painting_by_click_changes_the_digit(inline_page, browser, vq):
    _open(browser, inline_page)
    swatch = browser.find_elements(
        By.CSS_SELECTOR, ".vae-explorer-codes .vx-swatch"
    )[5]
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center'})", swatch
    )
    swatch.click()
    chosen = browser.execute_script(
        "return window.VaeExplorer.instances[0].chosen"
    )
    assert chosen == 5, chosen
    legend = browser.find_element(
        By.CSS_SELECTOR, ".vae-explorer-codes .vx-chosen"
    )
    assert legend.text == "5"
    before = _pixels(browser)
    cells = _cells(browser)
    assert len(cells) == 49
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center'})", cells[24]
    )
    for i in (16, 24, 32):  # down the middle
        cells[i].click()
    codes = _codes(browser)
    assert [codes[i] for i in (16, 24, 32)] == [5, 5, 5]
    after = _pixels(browser)
    assert np.abs(after - before).max() > 0.05, "painting changed nothing"
    grid = np.asarray(codes).reshape(1, 7, 7)
    assert np.abs(after - _keras(vq, grid)[0]).max() <= TOLERANCE
    assert cells[24].text == "5"
    assert cells[24].get_attribute("aria-label") == (
        "Row 4, column 4: code 5"
    )
    readout = browser.find_element(
        By.CSS_SELECTOR, ".vae-explorer-codes .vx-readout"
    ).text
    assert readout.startswith("Row 5, column 5: code 5 (was "), readout
    # Back to the test digit: its codes again.
    browser.find_element(
        By.CSS_SELECTOR, ".vae-explorer-codes .vx-reset"
    ).click()
    assert np.abs(_pixels(browser) - before).max() < 1e-6
    assert not _errors(browser), _errors(browser)


def test_the_keyboard_moves_over_the_grid_and_paints(inline_page, browser):
    _open(browser, inline_page)
    cells = _cells(browser)
    # One cell of the grid is in the tab order; the arrow keys move it.
    tabbable = [c.get_attribute("tabindex") for c in cells]
    assert tabbable.count("0") == 1 and tabbable[0] == "0", tabbable
    radio = browser.find_element(
        By.CSS_SELECTOR, ".vae-explorer-codes .vx-swatch input:checked"
    )
    first = int(radio.get_attribute("value"))
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center'})", cells[24]
    )
    # The palette from the keyboard: right, then down a row (8 codes).
    radio.send_keys(Keys.ARROW_RIGHT)
    radio = browser.switch_to.active_element
    radio.send_keys(Keys.ARROW_DOWN)
    chosen = browser.execute_script(
        "return window.VaeExplorer.instances[0].chosen"
    )
    assert chosen == first + 9, (first, chosen)
    assert browser.switch_to.active_element.get_attribute("value") == str(
        chosen
    )
    cells[0].click()  # paints (0, 0) and puts the focus there
    painted = _pixels(browser)
    assert browser.switch_to.active_element == cells[0]
    browser.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)
    assert browser.switch_to.active_element == cells[1], (
        "the right arrow did not move to the next cell"
    )
    for key in (Keys.ARROW_DOWN, Keys.ARROW_DOWN, Keys.ARROW_RIGHT):
        browser.switch_to.active_element.send_keys(key)
    assert browser.switch_to.active_element == cells[2 * 7 + 2]
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    browser.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    browser.switch_to.active_element.send_keys(Keys.SPACE)
    codes = _codes(browser)
    assert codes[0] == codes[16] == codes[23] == chosen, codes
    tabbable = [c.get_attribute("tabindex") for c in cells]
    assert tabbable.count("0") == 1 and tabbable[23] == "0"
    assert np.abs(_pixels(browser) - painted).max() > 0.02
    # Home and End go to the ends of the row.
    browser.switch_to.active_element.send_keys(Keys.END)
    assert browser.switch_to.active_element == cells[27]
    browser.switch_to.active_element.send_keys(Keys.HOME)
    assert browser.switch_to.active_element == cells[21]
    # The start menu loads another test digit's codes.
    from selenium.webdriver.support.ui import Select

    menu = browser.find_element(
        By.CSS_SELECTOR, ".vae-explorer-codes .vx-from"
    )
    assert menu.find_element(By.XPATH, "ancestor::label").text.startswith(
        "Start from"
    )
    Select(menu).select_by_value("3")
    assert (
        browser.execute_script("return window.VaeExplorer.instances[0].grid")
        == 3
    )
    assert not _errors(browser), _errors(browser)


def test_the_controls_wait_for_start(
    vq, test_grids, tmp_path, browser, monkeypatch
):
    """As on the site: the page holds a Start button; the data and the
    runtime load from ../_static/explorers/ when pressed (from file:// too).
    Before, every control is disabled; after, enabled, and the focus is in
    the explorer."""
    from vaecourse import explorer

    assets = tmp_path / "_static" / "explorers"
    monkeypatch.setenv(explorer.SITE_ASSETS_ENV, str(assets))
    page = _write(tmp_path / "chapters", [_html(vq, test_grids)])
    size = page.stat().st_size + sum(
        p.stat().st_size for p in assets.iterdir()
    )
    assert size < 0.5e6, f"the explorer weighs {size / 1e6:.2f} MB"
    _load(browser, page.resolve().as_uri())
    state = (
        "return Array.from(document.querySelectorAll("
        "'.vae-explorer input, .vae-explorer select, "
        ".vae-explorer button:not(.vx-start)')).map(c => c.disabled)"
    )
    before = browser.execute_script(state)
    assert len(before) == 64 + 1 + 1 + 49, len(before)
    assert all(before), "a control is enabled before Start"
    start = browser.find_element(By.CSS_SELECTOR, ".vae-explorer .vx-start")
    assert start.text.startswith("Start the live decoder (loads 0.")
    _wait_started(browser, page.resolve().as_uri())
    assert not any(browser.execute_script(state))
    focused = browser.execute_script(
        "return document.activeElement.closest('.vae-explorer') !== null"
    )
    assert focused, "Start left the focus outside the explorer"
    assert not _errors(browser), _errors(browser)


def test_two_explorers_share_no_id(
    vq, test_grids, tmp_path, browser, monkeypatch
):
    """Two kernels' explorers on one JupyterLab page, and the same one twice
    in a kernel: every element id is unique, each explorer starts on its own
    element, and the palettes are separate radio groups."""
    from vaecourse import explorer

    monkeypatch.delenv(explorer.SITE_ASSETS_ENV, raising=False)
    outputs = []
    for start in (0, 2):
        importlib.reload(explorer)  # a new kernel
        outputs.append(_html(vq, test_grids, start=start))
    outputs.append(_html(vq, test_grids, start=4))  # the same kernel again
    page = _write(tmp_path, outputs)
    _open(browser, page)
    ids = browser.execute_script(
        "return Array.from(document.querySelectorAll('[id]')).map(e => e.id)"
    )
    assert len(ids) == len(set(ids)), sorted(ids)
    found = browser.execute_script(
        "return Array.from(document.querySelectorAll('.vae-explorer')).map("
        "root => window.VaeExplorer.instances.filter(e => e.root === root)"
        ".map(e => e.grid))"
    )
    assert found == [[0], [2], [4]], found
    names = browser.execute_script(
        "return Array.from(document.querySelectorAll('.vae-explorer')).map("
        "root => new Set(Array.from(root.querySelectorAll('input[type=radio]'"
        ")).map(r => r.name)).size + ':' + root.querySelector("
        "'input[type=radio]').name)"
    )
    assert all(n.startswith("1:") for n in names), names
    assert len(set(names)) == 3, names
    # Choosing a code in one palette leaves the others' choices alone.
    swatches = browser.find_elements(By.CSS_SELECTOR, ".vx-swatch")
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center'})", swatches[64 + 3]
    )
    swatches[64 + 3].click()
    chosen = browser.execute_script(
        "return window.VaeExplorer.instances.map(e => e.chosen + ':' + "
        "e.root.querySelector('input:checked').value)"
    )
    first = chosen[0]
    assert chosen[1] == "3:3" and chosen[2] == first, chosen
    assert not _errors(browser), _errors(browser)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_explorer_fits_the_screen(
    width, inline_page, browser, phone_browser
):
    driver = phone_browser if width < 500 else browser
    _open(driver, inline_page)
    overflow = driver.execute_script(
        "const root = document.querySelector('.vae-explorer');"
        "const r = root.getBoundingClientRect();"
        "const out = Array.from(root.querySelectorAll('*')).filter("
        "e => e.getBoundingClientRect().right > window.innerWidth + 0.5);"
        "return {right: r.right, inner: window.innerWidth,"
        " scroll: document.documentElement.scrollWidth,"
        " out: out.map(e => e.className || e.tagName)}"
    )
    assert overflow["scroll"] <= width and not overflow["out"], overflow
    # The cells stay large enough to tap (WCAG 2.5.8: 24 px at least).
    size = driver.execute_script(
        "const c = document.querySelector('.vx-cell').getBoundingClientRect();"
        "return [c.width, c.height]"
    )
    assert min(size) >= 24, size


def _accessibility():
    """tests/test_accessibility.py's axe helpers (its tests stay there)."""
    spec = importlib.util.spec_from_file_location(
        "vaecourse_test_accessibility",
        Path(__file__).with_name("test_accessibility.py"),
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_started_explorer_has_no_serious_accessibility_violations(
    inline_page, browser
):
    """axe-core (WCAG 2.1 A and AA) on the started explorer, its grid
    painted: as tests/test_accessibility.py checks the site's explorers."""
    axe = _accessibility()
    axe.axe_source()
    _open(browser, inline_page)
    browser.set_script_timeout(180)
    _cells(browser)[10].click()
    bad = axe.failing(axe.run_axe(browser, ".vae-explorer"))
    assert not bad, axe.describe(bad)
    # And a page that is not started: the disabled controls are named too.
    _load(browser, inline_page.resolve().as_uri())
    bad = axe.failing(axe.run_axe(browser))
    assert not bad, axe.describe(bad)


# ---------------------------------------------------------------------------
# The Python side: the packed file, the arguments
# ---------------------------------------------------------------------------


def test_the_packed_file_holds_the_codebook_and_prototypes(vq):
    import base64
    import gzip
    import json

    from tools.export_explorers import filled_grids
    from vaecourse.explorer import explorer_file

    data = json.loads(explorer_file(MODEL).read_text())

    def unpacked(key, dtype):
        raw = gzip.decompress(base64.b64decode(data[key]))
        return np.frombuffer(raw, dtype)

    codebook = unpacked("codebook", "<f4").reshape(64, 16)
    assert np.array_equal(codebook, np.asarray(vq.quantizer.codebook))
    prototypes = unpacked("prototypes", np.uint8).reshape(64, 784) / 255
    theirs = _keras(vq, filled_grids(64, (7, 7)))
    assert np.abs(prototypes - theirs).max() <= 0.5 / 255 + 1e-6
    assert data["spec"]["input_shape"] == [7, 7, 16]
    assert data["checked"] <= data["check"] < TOLERANCE
    size = explorer_file(MODEL).stat().st_size
    assert size < 250e3, f"{size / 1e3:.0f} kB"


def test_a_vq_vae_trained_here_runs_as_the_shipped_one(
    vq, test_grids, capsys
):
    import keras

    from vaecourse import explorer, zoo

    codes, labels = test_grids
    explorer.code_grid(vq, codes, labels, model=MODEL)
    assert capsys.readouterr().out == ""
    keras.utils.set_random_seed(0)
    fresh = zoo.build(MODEL)
    page = explorer.code_grid(fresh, codes, labels, model=MODEL)
    note = (
        "The explorer runs the shipped vq_vae decoder (weights/), "
        "not the one trained here."
    )
    assert capsys.readouterr().out.splitlines() == [note]
    assert explorer.packed_decoder(MODEL)["kernels"] in page.data
    with pytest.raises(ValueError, match=r"shape \(n, 7, 7\)"):
        explorer.code_grid(vq, codes[:, :6], labels, model=MODEL)
    with pytest.raises(ValueError, match="0 to 63"):
        explorer.code_grid(vq, codes + 64, labels, model=MODEL)
    with pytest.raises(ValueError, match="one label per grid"):
        explorer.code_grid(vq, codes, labels[:2], model=MODEL)
