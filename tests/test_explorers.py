"""The live latent explorers of the built site (vaecourse/explorer.py, explorer.js).

The page's JavaScript decoder must draw what Keras draws: each explorer decodes a fixed set
of latent points in headless Chromium and the pixels are compared with the Keras decoder of
the same shipped model. Dragging the point with the pointer and moving it with the keyboard
must change the digit, and the explorer must work from ``file://`` with no console errors.
The controls wait for the decoder (disabled until Start); two chapters' explorers share a
page (JupyterLab) without sharing element ids. The packed decoders of ``weights/explorers/``
must match the shipped weights, and ``python -m tools.export_explorers`` must write them
again byte for byte.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

#: Which explorers each chapter page holds, by kind: removing one fails the tests.
#: (Chapter 10's code grid, kind "codes", is also tested on pages of its own by
#: tests/test_code_grid_explorer.py.)
EXPECTED = {
    "chapters/01_autoencoders": ["plane"],
    "chapters/03_dense_vae": ["plane"],
    "chapters/05_generation": ["sliders"],
    "chapters/06_latent_interpolation": ["path"],
    "chapters/09_conditional_vae": ["conditional"],
    "chapters/10_vq_vae": ["codes"],
}
#: The classes at which the conditional explorer is compared with Keras
#: (the first is the one it shows first).
CLASSES = (7, 0, 3)
#: The largest pixel difference allowed between the page and Keras (int16 weights).
TOLERANCE = 2e-3


def _page(site, entry):
    return site / f"{entry}.html"


def _load(driver, url):
    driver.get(url)
    for _ in range(100):
        if driver.execute_script("return document.readyState === 'complete'"):
            break
        time.sleep(0.1)


def _open(driver, url):
    """Open the page and start its explorers (on the site, each loads its decoder
    when the reader presses its start button)."""
    _load(driver, url)
    _wait_started(driver, url)


def _wait_started(driver, url):
    count = driver.execute_script(
        "document.querySelectorAll('.vae-explorer .vx-start')"
        ".forEach(b => b.click());"
        "return document.querySelectorAll('.vae-explorer').length"
    )
    for _ in range(200):
        ready = driver.execute_script(
            "return !!window.VaeExplorer && "
            "window.VaeExplorer.instances.length === arguments[0]",
            count,
        )
        if count and ready:
            return
        time.sleep(0.1)
    raise AssertionError(
        f"the explorers of {url} did not start ({count} found)"
    )


def _instances(driver):
    return driver.execute_script(
        "return window.VaeExplorer.instances.map("
        "e => ({model: e.model, kind: e.root.className.split('vae-explorer-')[1],"
        " dim: e.decoder.latentDim}))"
    )


def _errors(driver):
    return [
        entry
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE"
    ]


@pytest.fixture(scope="module")
def keras_decoders():
    from vaecourse import zoo
    from vaecourse.training import weights_path

    cache = {}

    def get(name, label=None):
        # The shipped weights, whatever the profile (the quick one trains).
        if name not in cache:
            model = zoo.build(name)
            model.load_weights(weights_path(name))
            cache[name] = model
        decoder = cache[name].decoder
        if label is None:
            return decoder.predict
        if label == "codes":
            # A VQ-VAE: grids of codes, looked up in the codebook, decoded.
            def decode(grids, verbose=0):
                grids = np.asarray(grids, "int32")
                return np.asarray(cache[name].decode(grids))

            return decode
        # A conditional decoder, with the class chosen on the page.
        classes = int(decoder.inputs[1].shape[-1])

        def predict(points, verbose=0):
            one_hot = np.eye(classes, dtype="float32")[[label] * len(points)]
            return decoder.predict([points, one_hot], verbose=verbose)

        return predict

    return get


@pytest.mark.parametrize("entry", sorted(EXPECTED))
def test_page_decoder_draws_what_keras_draws(
    entry, built_site, site_url, browser, keras_decoders
):
    _open(browser, f"{site_url}/{entry}.html")
    found = _instances(browser)
    assert [f["kind"] for f in found] == EXPECTED[entry], (
        f"{entry}: explorers {found}, expected {EXPECTED[entry]}"
    )
    rng = np.random.default_rng(0)
    for index, info in enumerate(found):
        points = rng.uniform(-3, 3, size=(16, info["dim"])).astype("float32")
        labels = CLASSES if info["kind"] == "conditional" else [None]
        method = "decode"
        if info["kind"] == "codes":
            # Random grids of codes (painted anyhow), looked up on the page.
            points = rng.integers(0, 64, (8, 49))
            labels, method = ["codes"], "decodeCodes"
        for label in labels:
            if label not in (None, "codes"):
                _choose_class(browser, index, label)
            result = browser.execute_script(
                "const e = window.VaeExplorer.instances[arguments[0]];"
                "const t0 = performance.now();"
                "const out = arguments[1].map("
                f"z => Array.from(e.decoder.{method}(z)));"
                "return {out, ms: (performance.now() - t0) / "
                "arguments[1].length};",
                index,
                points.tolist(),
            )
            ours = np.asarray(result["out"]).reshape(len(points), -1)
            theirs = keras_decoders(info["model"], label)(
                points.reshape(len(points), 7, 7)
                if label == "codes"
                else points,
                verbose=0,
            )
            difference = np.abs(ours - theirs.reshape(len(points), -1)).max()
            name = info["model"] + (
                "" if label in (None, "codes") else f", class {label}"
            )
            assert difference <= TOLERANCE, (
                f"{entry}: the page's decoder of {name} differs from Keras "
                f"by {difference:.2e} (allowed {TOLERANCE:g})"
            )
            print(
                f"{entry} {name}: largest difference {difference:.1e}, "
                f"{result['ms']:.1f} ms per decode"
            )
    assert not _errors(browser), _errors(browser)


def _choose_class(driver, index, label):
    """Choose ``label`` in the class menu of explorer ``index`` (its option
    clicked)."""
    from selenium.webdriver.support.ui import Select

    select = driver.execute_script(
        "return window.VaeExplorer.instances[arguments[0]]"
        ".root.querySelector('select.vx-class')",
        index,
    )
    Select(select).select_by_value(str(label))
    shown = driver.execute_script(
        "return window.VaeExplorer.instances[arguments[0]].klass", index
    )
    assert shown == label, (
        f"the explorer shows the class {shown}, not {label}"
    )


def _digit(driver, index=0):
    return driver.execute_script(
        "return Array.from(window.VaeExplorer.instances[arguments[0]].pixels)",
        index,
    )


def test_the_pointer_and_the_keyboard_move_the_sliders(
    built_site, site_url, browser
):
    _open(browser, f"{site_url}/chapters/05_generation.html")
    sliders = browser.find_elements(
        By.CSS_SELECTOR, ".vae-explorer-sliders input[type=range]"
    )
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center'})", sliders[0]
    )
    before = _digit(browser)
    for _ in range(30):
        sliders[0].send_keys(Keys.ARROW_RIGHT)
    by_keys = _digit(browser)
    assert np.abs(np.subtract(by_keys, before)).max() > 0.05, (
        "the arrow keys did not change the digit"
    )
    ActionChains(browser).move_to_element(
        sliders[1]
    ).click_and_hold().move_by_offset(60, 0).release().perform()
    assert np.abs(np.subtract(_digit(browser), by_keys)).max() > 0.05, (
        "dragging a slider with the pointer did not change the digit"
    )
    readout = browser.find_element(
        By.CSS_SELECTOR, ".vae-explorer-sliders .vx-readout"
    ).text
    assert (
        readout.startswith("z = (")
        and readout != "z = (0.00, 0.00, 0.00, 0.00)"
    )
    assert not _errors(browser), _errors(browser)


PLANES = [
    e
    for e, kinds in EXPECTED.items()
    if {"plane", "conditional"} & set(kinds)
]


@pytest.mark.parametrize("entry", PLANES)
def test_dragging_and_the_keyboard_move_the_point(
    entry, built_site, site_url, browser
):
    _open(browser, f"{site_url}/{entry}.html")
    canvas = browser.find_elements(
        By.CSS_SELECTOR, ".vae-explorer .vx-plane"
    )[0]
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center'})", canvas
    )
    before = _digit(browser)
    readout = canvas.find_element(
        By.XPATH, "ancestor::div[contains(@class, 'vae-explorer')]"
    ).find_element(By.CSS_SELECTOR, ".vx-readout")
    text_before = readout.text
    ActionChains(browser).move_to_element_with_offset(
        canvas, -100, 80
    ).click_and_hold().move_by_offset(30, 20).release().perform()
    dragged = _digit(browser)
    assert np.abs(np.subtract(dragged, before)).max() > 0.05, (
        f"{entry}: dragging the point did not change the digit"
    )
    assert readout.text != text_before, f"{entry}: the readout did not change"
    canvas.send_keys(Keys.HOME)
    home = _digit(browser)
    for _ in range(8):
        canvas.send_keys(Keys.ARROW_RIGHT)
    moved = _digit(browser)
    assert np.abs(np.subtract(moved, home)).max() > 0.05, (
        f"{entry}: the arrow keys did not move the point"
    )
    assert not _errors(browser), _errors(browser)


def test_the_class_menu_changes_the_digit_not_the_point(
    built_site, site_url, browser
):
    """Chapter 9: the class menu (keyboard-usable) swaps the class; the
    point, and so the style, stays; the readout says z and the class."""
    _open(browser, f"{site_url}/chapters/09_conditional_vae.html")
    select = browser.find_element(
        By.CSS_SELECTOR, ".vae-explorer-conditional select.vx-class"
    )
    label = select.find_element(By.XPATH, "ancestor::label").text
    assert label.startswith("Digit class"), label
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center'})", select
    )
    readout = browser.find_element(
        By.CSS_SELECTOR, ".vae-explorer-conditional .vx-readout"
    )
    assert "digit 7" in readout.text, readout.text
    before, point = _digit(browser), _point(browser)
    select.send_keys(Keys.ARROW_DOWN)  # 7 -> 8, from the keyboard
    assert select.get_attribute("value") == "8"
    after = _digit(browser)
    assert np.abs(np.subtract(after, before)).max() > 0.2, (
        "changing the class did not change the drawn digit"
    )
    assert _point(browser) == point, "changing the class moved the point"
    assert "digit 8" in readout.text and readout.text.startswith("z = ("), (
        readout.text
    )
    _choose_class(browser, 0, 7)
    assert np.abs(np.subtract(_digit(browser), before)).max() < 1e-6, (
        "back to the class 7, the digit is not the one drawn before"
    )
    assert not _errors(browser), _errors(browser)


def _point(driver, index=0):
    return driver.execute_script(
        "return window.VaeExplorer.instances[arguments[0]].point", index
    )


def test_the_sliders_and_the_path_respond(built_site, site_url, browser):
    _open(browser, f"{site_url}/chapters/05_generation.html")
    slider = browser.find_elements(
        By.CSS_SELECTOR, ".vae-explorer-sliders input[type=range]"
    )[0]
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center'})", slider
    )
    before = _digit(browser)
    for _ in range(30):
        slider.send_keys(Keys.ARROW_RIGHT)
    assert np.abs(np.subtract(_digit(browser), before)).max() > 0.05
    _open(browser, f"{site_url}/chapters/06_latent_interpolation.html")
    t = browser.find_element(By.CSS_SELECTOR, ".vae-explorer-path input.vx-t")
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center'})", t
    )
    before = _digit(browser)
    t.send_keys(Keys.END)
    assert np.abs(np.subtract(_digit(browser), before)).max() > 0.05
    assert not _errors(browser), _errors(browser)


def test_explorers_work_from_disk(built_site, browser):
    """Opened as files (file://), with no server: no fetch, no modules."""
    for entry in sorted(EXPECTED):
        _open(browser, _page(built_site, entry).resolve().as_uri())
        out = browser.execute_script(
            "const e = window.VaeExplorer.instances[0];"
            "return Array.from(e.decoder.decode(new Array(e.decoder.latentDim)"
            ".fill(0.5)))"
        )
        assert len(out) == 784 and 0 <= min(out) and max(out) <= 1, entry
        assert not _errors(browser), (entry, _errors(browser))


def test_export_refuses_a_layer_it_cannot_run():
    import keras

    from tools.export_explorers import export_decoder

    z = keras.Input((2,))
    model = keras.Model(z, keras.layers.BatchNormalization()(z))
    with pytest.raises(ValueError, match="cannot run the layer"):
        export_decoder(model)


def _unpacked(b64, dtype):
    import base64
    import gzip

    return np.frombuffer(gzip.decompress(base64.b64decode(b64)), dtype)


def test_the_packed_decoder_is_the_keras_decoder():
    """The format explorer.js reads (gzip, zigzag codes in two byte planes, a step per
    slice), decoded here in numpy: the pixels stay within the tolerance of Keras's."""
    import keras

    from tools.export_explorers import export_decoder

    keras.utils.set_random_seed(0)
    z = keras.Input((2,))
    h = keras.layers.Dense(64, activation="relu")(z)
    x = keras.layers.Dense(784, activation="sigmoid")(h)
    decoder = keras.Model(z, x)
    data = export_decoder(decoder, [(-3.0, 3.0), (-3.0, 3.0)])
    out = np.random.default_rng(3).uniform(-3, 3, (500, 2)).astype("float32")
    theirs = decoder.predict(out, verbose=0)
    out = _numpy_decode(data, out)
    assert np.abs(out - theirs).max() <= TOLERANCE
    assert data["checked"] <= TOLERANCE


def _numpy_decode(data, points, first_bias=None):
    """The page's decoder (dense layers) decoded in numpy from the packed
    format; ``first_bias`` replaces the first layer's bias."""
    planes = _unpacked(data["kernels"], np.uint8).reshape(2, -1)
    codes = planes[0].astype(np.int64) | (planes[1].astype(np.int64) << 8)
    ints = (codes >> 1) ^ -(codes & 1)
    floats = _unpacked(data["floats"], "<f4")
    out = points
    for index, layer in enumerate(data["spec"]["layers"]):
        k = layer["kernel"]
        size, last = int(np.prod(k["shape"])), k["shape"][-1]
        steps = floats[k["scales"] : k["scales"] + last]
        w = ints[k["offset"] : k["offset"] + size] * np.tile(
            steps, size // last
        )
        bias = floats[layer["bias"] : layer["bias"] + layer["units"]]
        if index == 0 and first_bias is not None:
            bias = first_bias
        out = out @ w.reshape(k["shape"]) + bias
        out = (
            np.maximum(out, 0)
            if layer["activation"] == "relu"
            else 1 / (1 + np.exp(-out))
        )
    return out


def test_the_class_plane_exports_one_decoder_and_ten_biases(monkeypatch):
    """A conditional decoder: the shared weights once, and one first-layer
    bias per class; with each class's bias the page draws what Keras draws."""
    import keras

    from tools.export_explorers import export_decoder
    from vaecourse import explorer
    from vaecourse.conditional import class_decoder

    keras.utils.set_random_seed(0)
    z, label = keras.Input((2,)), keras.Input((10,))
    h = keras.layers.Concatenate()([z, label])
    h = keras.layers.Dense(64, activation="relu")(h)
    decoder = keras.Model(
        [z, label], keras.layers.Dense(784, activation="sigmoid")(h)
    )
    biases = np.stack(
        [
            class_decoder(decoder, c).layers[1].get_weights()[1]
            for c in range(10)
        ]
    )
    region = [(-3.0, 3.0), (-3.0, 3.0)]
    data = export_decoder(
        class_decoder(decoder, 0), region, first_biases=biases
    )
    assert data["checked"] <= TOLERANCE
    packed = _unpacked(data["class_biases"], "<f4").reshape(10, 64)
    assert np.array_equal(packed, biases)
    points = np.random.default_rng(4).uniform(-3, 3, (300, 2))
    points = points.astype("float32")
    for c in (0, 5, 9):
        one_hot = np.eye(10, dtype="float32")[[c] * len(points)]
        theirs = decoder.predict([points, one_hot], verbose=0)
        ours = _numpy_decode(data, points, packed[c])
        assert np.abs(ours - theirs).max() <= TOLERANCE, c
    # The page: a labelled menu of the ten classes, from the packed file (here
    # the export above, as if committed for this decoder).
    record = {
        **data,
        "decoder_sha256": explorer.decoder_sha256(decoder),
        "region": [[-4.0, 4.0], [-4.0, 4.0]],
    }
    monkeypatch.setattr(explorer, "packed_decoder", lambda model: record)
    codes = np.random.default_rng(5).normal(size=(200, 2))
    page = explorer.class_plane(
        decoder, codes, np.arange(200) % 10, model="tiny", start=3
    )
    assert page.data.count("<option ") == 10
    assert '<option value="3" selected>' in page.data
    assert "<label>Digit class" in page.data
    assert data["class_biases"] in page.data


# ---------------------------------------------------------------------------
# The packed decoders of weights/explorers/ (tools/export_explorers.py)
# ---------------------------------------------------------------------------


def test_the_packed_decoders_match_the_shipped_weights():
    """Every explorer model has its packed decoder, packed from the weights
    in weights/ now (stale data fails), within CHECK of Keras; no other."""
    import hashlib
    import json

    from tools.export_explorers import CHECK, EXPLORERS
    from vaecourse.explorer import TOLERANCE as PROMISED
    from vaecourse.explorer import explorer_file
    from vaecourse.paths import EXPLORERS_DIR, WEIGHTS_DIR

    assert sorted(p.stem for p in EXPLORERS_DIR.glob("*.json")) == sorted(
        EXPLORERS
    ), "weights/explorers/ holds other files than EXPLORERS names"
    for name in EXPLORERS:
        data = json.loads(explorer_file(name).read_text())
        weights = (WEIGHTS_DIR / f"{name}.weights.h5").read_bytes()
        assert (
            data["weights_sha256"] == hashlib.sha256(weights).hexdigest()
        ), (
            f"weights/explorers/{name}.json is stale: run "
            f"`python -m tools.export_explorers {name}`"
        )
        assert data["checked"] <= data["check"] == CHECK < PROMISED, name
        assert data["tolerance"] == PROMISED == TOLERANCE, name


def test_the_export_writes_the_same_bytes_again(tmp_path):
    """The maintainer tool, run again on the same weights, writes exactly the
    committed files (every explorer model: about a minute)."""
    import os
    import subprocess
    import sys

    from tools.export_explorers import EXPLORERS
    from vaecourse.explorer import explorer_file
    from vaecourse.paths import ROOT

    subprocess.run(
        [sys.executable, "-m", "tools.export_explorers", "--out", tmp_path],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
        capture_output=True,
    )
    for name in EXPLORERS:
        again = explorer_file(name, tmp_path).read_bytes()
        assert again == explorer_file(name).read_bytes(), (
            f"{name}: the export is not reproducible"
        )


def _shipped(name):
    from vaecourse import zoo
    from vaecourse.training import weights_path

    model = zoo.build(name)
    model.load_weights(weights_path(name))
    return model


def test_a_missing_or_stale_packed_decoder_names_the_command(
    tmp_path, monkeypatch
):
    import json

    from vaecourse import explorer
    from vaecourse.paths import EXPLORERS_DIR

    decoder = _shipped("dense_vae_2d").decoder
    codes = np.random.default_rng(0).normal(size=(100, 2))
    labels = np.arange(100) % 10
    monkeypatch.setattr(explorer, "EXPLORERS_DIR", tmp_path)
    command = "python -m tools.export_explorers dense_vae_2d"
    with pytest.raises(FileNotFoundError, match=command):
        explorer.latent_plane(decoder, codes, labels, model="dense_vae_2d")
    data = json.loads((EXPLORERS_DIR / "dense_vae_2d.json").read_text())
    data["weights_sha256"] = "0" * 64
    (tmp_path / "dense_vae_2d.json").write_text(json.dumps(data))
    with pytest.raises(RuntimeError, match="other weights.*" + command):
        explorer.latent_plane(decoder, codes, labels, model="dense_vae_2d")


def test_a_decoder_trained_here_runs_as_the_shipped_one(capsys):
    """The page runs the shipped decoder; a decoder with other weights gets one
    printed line saying so, the shipped one none; a plane wider than the
    packed decoder was checked over is refused."""
    import keras

    from vaecourse import explorer, zoo

    codes = np.random.default_rng(0).normal(size=(100, 2))
    labels = np.arange(100) % 10
    shipped = _shipped("dense_vae_2d").decoder
    page = explorer.latent_plane(shipped, codes, labels, model="dense_vae_2d")
    assert capsys.readouterr().out == ""
    keras.utils.set_random_seed(1)
    trained_here = zoo.build("dense_vae_2d").decoder
    other = explorer.latent_plane(
        trained_here, codes, labels, model="dense_vae_2d"
    )
    lines = capsys.readouterr().out.splitlines()
    note = (
        "The explorer runs the shipped dense_vae_2d decoder (weights/), "
        "not the one trained here."
    )
    assert lines == [note], lines
    packed = explorer.packed_decoder("dense_vae_2d")
    assert packed["kernels"] in page.data and packed["kernels"] in other.data
    with pytest.raises(ValueError, match="beyond the region"):
        explorer.latent_plane(
            shipped, codes, labels, model="dense_vae_2d", limit=6.0
        )


# ---------------------------------------------------------------------------
# Pages: the controls, the ids
# ---------------------------------------------------------------------------


def _plane_html(name, limit):
    """The latent plane of the zoo model ``name``, as a chapter makes it in a
    notebook (inline data), from the shipped model and its test codes."""
    from vaecourse import explorer, zoo

    model = _shipped(name)
    x_test, y_test = zoo.test_data(name)
    codes = model.encoder.predict(x_test, verbose=0)
    codes = codes[0] if isinstance(codes, (list, tuple)) else codes
    return explorer.latent_plane(
        model.decoder, codes, y_test, model=name, limit=limit
    ).data


def test_two_chapters_explorers_on_one_page_draw_their_own_digits(
    tmp_path, browser, keras_decoders, monkeypatch
):
    """JupyterLab shows every open notebook's outputs in one page: chapter 1's
    and chapter 3's explorers, each made in a kernel of its own, side by side.
    Each must start on its own element and draw its own decoder's digit."""
    import importlib

    from vaecourse import explorer

    monkeypatch.delenv(explorer.SITE_ASSETS_ENV, raising=False)
    outputs = []
    for name, limit in (("autoencoder_2d", None), ("dense_vae_2d", 4.0)):
        importlib.reload(explorer)  # a new kernel: the module imported afresh
        outputs.append(_plane_html(name, limit))
    page = tmp_path / "two_notebooks.html"
    page.write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Two notebooks</title></head><body>"
        + "".join(f"<div class='output'>{html}</div>" for html in outputs)
        + "</body></html>"
    )
    _open(browser, page.as_uri())
    found = browser.execute_script(
        "return Array.from(document.querySelectorAll('.vae-explorer')).map("
        "root => { const mine = window.VaeExplorer.instances.filter("
        "e => e.root === root);"
        " const canvas = root.querySelector('.vx-digit');"
        " const rgba = canvas.getContext('2d').getImageData(0, 0, 28, 28).data;"
        " return {id: root.id, count: mine.length,"
        "  model: mine.length ? mine[0].model : null,"
        "  point: mine.length ? mine[0].point : null,"
        "  red: Array.from(rgba).filter((v, i) => i % 4 === 0),"
        "  alpha: Array.from(rgba).filter((v, i) => i % 4 === 3)}; })"
    )
    assert len({f["id"] for f in found}) == 2, [f["id"] for f in found]
    assert [f["count"] for f in found] == [1, 1], (
        "an explorer started on another notebook's element: "
        f"{[(f['id'], f['count']) for f in found]}"
    )
    assert [f["model"] for f in found] == ["autoencoder_2d", "dense_vae_2d"]
    drawn = []
    for f in found:
        assert min(f["alpha"]) == 255, f"{f['model']}: its digit is blank"
        pixels = 1 - np.asarray(f["red"]) / 255
        theirs = keras_decoders(f["model"])(
            np.asarray([f["point"]], "float32"), verbose=0
        ).ravel()
        assert np.abs(pixels - theirs).max() <= TOLERANCE + 0.5 / 255, (
            f"{f['model']}: the digit drawn is not its decoder's"
        )
        drawn.append(pixels)
    assert np.abs(drawn[0] - drawn[1]).max() > 0.2, "the two digits are one"
    assert not _errors(browser), _errors(browser)


def test_each_slider_shows_its_own_value(built_site, site_url, browser):
    """Chapter 5: the number beside a slider follows it (and only it)."""
    _open(browser, f"{site_url}/chapters/05_generation.html")
    sliders = browser.find_elements(
        By.CSS_SELECTOR, ".vae-explorer-sliders input[type=range]"
    )
    outputs = browser.find_elements(
        By.CSS_SELECTOR, ".vae-explorer-sliders output"
    )
    assert len(outputs) == len(sliders) == 4
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center'})", sliders[1]
    )
    for _ in range(10):
        sliders[1].send_keys(Keys.ARROW_RIGHT)  # steps of 0.05
    shown = [o.text for o in outputs]
    assert shown == ["0.00", "0.50", "0.00", "0.00"], shown
    sliders[2].send_keys(Keys.HOME)  # the minimum, −3
    assert outputs[2].text == "−3.00", outputs[2].text
    assert not _errors(browser), _errors(browser)


@pytest.mark.parametrize(
    "entry, home",
    [
        ("chapters/01_autoencoders", "the middle of the square"),
        ("chapters/03_dense_vae", "the origin"),
    ],
)
def test_home_goes_where_the_help_says(
    entry, home, built_site, site_url, browser
):
    """Chapter 1's square is not centred on the origin, chapter 3's is: the
    help names where Home goes, and Home goes there."""
    _open(browser, f"{site_url}/{entry}.html")
    canvas = browser.find_element(By.CSS_SELECTOR, ".vae-explorer .vx-plane")
    help_text = browser.find_element(
        By.ID, canvas.get_attribute("aria-describedby")
    ).text
    assert f"Home: back to {home})" in help_text, help_text
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center'})", canvas
    )
    for _ in range(5):
        canvas.send_keys(Keys.ARROW_UP)
    canvas.send_keys(Keys.HOME)
    box = browser.execute_script("return window.VaeExplorer.instances[0].box")
    middle = [(box[0] + box[1]) / 2, (box[2] + box[3]) / 2]
    assert _point(browser) == pytest.approx(middle)
    if home == "the origin":
        assert _point(browser) == pytest.approx([0, 0])
    else:
        assert np.hypot(*middle) > 0.05 * (box[1] - box[0]), (
            "chapter 1's square is centred now: say 'the origin'"
        )


@pytest.mark.parametrize("entry", sorted(EXPECTED))
def test_the_controls_wait_for_the_decoder(
    entry, built_site, site_url, browser
):
    """Before Start the controls would do nothing: they are disabled (out of
    the tab order, announced as unavailable); Start enables them."""
    _load(browser, f"{site_url}/{entry}.html")
    state = (
        "return Array.from(document.querySelectorAll("
        "'.vae-explorer input, .vae-explorer select, "
        ".vae-explorer button:not(.vx-start), "
        ".vae-explorer canvas[role=application]')).map(c => ({"
        " tag: c.tagName, disabled: c.tagName === 'CANVAS'"
        " ? c.getAttribute('aria-disabled') === 'true' && c.tabIndex < 0"
        " : c.disabled}))"
    )
    before = browser.execute_script(state)
    assert before, f"{entry}: no controls found"
    assert all(c["disabled"] for c in before), (entry, before)
    _wait_started(browser, f"{site_url}/{entry}.html")
    after = browser.execute_script(state)
    assert not any(c["disabled"] for c in after), (entry, after)
    focused = browser.execute_script(
        "return document.activeElement.closest('.vae-explorer') !== null"
    )
    assert focused, f"{entry}: Start left the focus outside the explorer"
