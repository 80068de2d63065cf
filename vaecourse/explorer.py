"""Latent explorers: the decoder runs in the reader's browser, on the page itself.

Each function returns an ``IPython.display.HTML`` that a chapter displays. It holds the
decoder's weights (exported from the loaded model when the chapter runs, so they are the
shipped weights and never out of date), a few test codes to draw, and a small classic script
(``explorer.js``, written once per page) that decodes any latent point in plain JavaScript:
no kernel, no server, no fetch; it works from ``file://`` too.

Weights travel as 16-bit integers with one float32 scale per slice of the kernel's last axis
(twice as small as float32; the decoded pixels stay within 2e-3 of Keras's, which
``tests/test_explorers.py`` checks in Chromium).

* :func:`latent_plane` — drag a point over a 2-D latent plane (or move it with the arrow
  keys) and see the digit the decoder draws there.
* :func:`class_plane` — the same for a conditional decoder, with a menu of the
  digit classes: the class changes the digit, z its style.
* :func:`latent_sliders` — one slider per latent dimension.
* :func:`latent_path` — pick two test digits on the plane and slide t between them: the
  pixel blend next to the decoded latent path.
"""

from __future__ import annotations

import base64
import gzip
import html
import itertools
import json
import os
from pathlib import Path

import numpy as np

from .plotting import DIGIT_COLOURS

_RUNTIME = Path(__file__).with_name("explorer.js")
_SUPPORTED = {"Dense", "Reshape", "Conv2DTranspose", "Conv2D"}
_ids = itertools.count(1)


def _packed(array) -> str:
    """``array``'s bytes, gzip-compressed then base64: the page unpacks it with the
    browser's own ``DecompressionStream`` (from ``file://`` too: no fetch)."""
    data = np.ascontiguousarray(array).tobytes()
    return base64.b64encode(gzip.compress(data, 9, mtime=0)).decode()


def _zigzag_planes(values) -> np.ndarray:
    """Signed integers (|v| ≤ 32767) as unsigned zigzag codes (0, −1, 1, −2, … → 0, 1, 2,
    3, …), all low bytes first, then all high bytes: small values of either sign give
    long runs of zero high bytes, which gzip packs well."""
    values = np.asarray(values, "int64")
    if np.abs(values).max(initial=0) > 32767:
        raise ValueError("explorer: a quantised weight does not fit 16 bits")
    codes = np.where(values >= 0, 2 * values, -2 * values - 1).astype("<u2")
    return codes.view(np.uint8).reshape(-1, 2).T.copy()


#: The largest pixel difference between the page's decoder and Keras's that
#: ``tests/test_explorers.py`` allows, at any latent point of the explorer's region.
TOLERANCE = 2e-3
#: The quantisation of the decoder's last Dense layer is chosen so that the pixels stay
#: within BUDGET of Keras's on the calibration points, then checked against CHECK on
#: other points (an explorer is refused above it): margins under TOLERANCE.
BUDGET = 1.3e-3
CHECK = 1.8e-3


def _sigmoid(x):
    return 0.5 * (1 + np.tanh(0.5 * x))  # no overflow for large |x|


def _calibration_points(region, n_grid: int, n_random: int, seed: int):
    """A grid over ``region`` (for a 2-D latent space) and uniform random points, and as
    many again in the square from −3 to 3 when the region is much wider (as the
    autoencoder's): the codes are densest there, and the tests decode there."""
    points, boxes = [], [region]
    if max(hi - lo for lo, hi in region) > 9:
        boxes.append([(-3.0, 3.0)] * len(region))
    for box in boxes:
        low, high = (np.array(side, "float64") for side in zip(*box))
        rng = np.random.default_rng(seed)
        points.append(rng.uniform(low, high, size=(n_random, len(low))))
        if len(low) == 2 and n_grid:
            axes = [np.linspace(lo, hi, n_grid) for lo, hi in zip(low, high)]
            points.append(np.stack(np.meshgrid(*axes), -1).reshape(-1, 2))
    return np.concatenate(points).astype("float32")


def _gptq_steps(
    weights, bias, inputs, reference, budget=BUDGET, iterations: int = 11
):
    """Integers and one step per output unit for a Dense layer with a sigmoid, each step
    as coarse as keeps that unit's output within BUDGET of ``reference`` on ``inputs``.

    Rounding follows GPTQ (Frantar et al., 2023): the weights are rounded one input at a
    time, and each rounding error is spread over the inputs not yet rounded, in
    proportion to how they co-vary over the calibration points (the inverse of the
    Hessian ``inputs.T @ inputs``). The decoder's inputs come from a plane of two (or
    four) numbers, so they co-vary strongly and most of the rounding error cancels: the
    steps can be far coarser than plain rounding allows, for the same pixel error.
    """
    w = weights.astype("float64")
    x32 = inputs.astype("float32")
    rows = 4096  # the calibration points a chunk: the temporaries stay small
    hessian = sum(
        x32[i : i + rows].T.astype("float64") @ x32[i : i + rows]
        for i in range(0, len(x32), rows)
    )
    order = np.argsort(-np.diag(hessian))
    hessian = hessian[np.ix_(order, order)]
    hessian += 1e-4 * np.mean(np.diag(hessian)) * np.eye(len(order))
    upper = np.linalg.cholesky(np.linalg.inv(hessian)).T

    def rounded(step):
        rest = w[order].copy()
        q = np.empty(rest.shape, "int64")
        for i in range(len(order)):
            q[i] = np.round(rest[i] / step)
            error = (rest[i] - q[i] * step) / upper[i, i]
            rest[i + 1 :] -= np.outer(upper[i, i + 1 :], error)
        out = np.empty_like(q)
        out[order] = q
        return out

    # Bisection on log2(step) per output unit; the finest step keeps |q| ≤ 32767.
    amax = np.abs(w).max(axis=0) + 1e-12
    low = np.log2(amax / 16000)  # fine enough for any unit
    high = np.log2(amax * 4)  # every weight rounds to zero

    def worst(kernel):
        out = np.zeros(kernel.shape[1], "float32")
        for i in range(0, len(x32), rows):
            pixels = _sigmoid(x32[i : i + rows] @ kernel + bias)
            np.maximum(
                out,
                np.abs(pixels - reference[i : i + rows]).max(axis=0),
                out=out,
            )
        return out

    for _ in range(iterations):
        mid = (low + high) / 2
        step = 2.0**mid
        q = rounded(step)
        ok = worst((q * step).astype("float32")) <= budget
        low, high = np.where(ok, mid, low), np.where(ok, high, mid)
    step = 2.0**low
    return rounded(step), step.astype("float32")


def _uniform_steps(kernel, bits: int, shared: bool = False):
    """Integers of ``bits`` bits and their steps, rounding to nearest: one step per slice
    of the last axis, or with ``shared`` one for the whole kernel when a slice has few
    weights (the repeated step then costs nothing once packed)."""
    top = 2 ** (bits - 1) - 1
    slices = np.abs(kernel).reshape(-1, kernel.shape[-1])
    if shared and slices.shape[0] < 32:
        step = np.full(kernel.shape[-1], slices.max() / top)
    else:
        step = slices.max(axis=0) / top
    step = np.where(step > 0, step, 1.0).astype("float32")
    return np.round(kernel / step).astype("int64"), step


def _run(model, points, batch: int = 4096):
    """``model`` on ``points``, called directly: ``predict`` on each new copy of the
    decoder would retrace its function and log a warning into the chapter's output."""
    return np.concatenate(
        [
            np.asarray(model(points[i : i + batch], training=False))
            for i in range(0, len(points), batch)
        ]
    )


def _page_decoder(decoder, weights):
    """A copy of ``decoder`` running ``weights`` (what the page will run)."""
    import keras

    page = keras.models.clone_model(decoder)
    page.set_weights(weights)
    return page


def _run_page(decoder, weights, points, biases=None):
    """The network of ``decoder`` running ``weights`` on ``points``; with ``biases``
    (one first-layer bias per class), once per class, the outputs stacked."""
    page = _page_decoder(decoder, weights)
    if biases is None:
        return _run(page, points)
    out = []
    for bias in biases:
        page.set_weights([weights[0], bias, *weights[2:]])
        out.append(_run(page, points))
    return np.concatenate(out)


def export_decoder(decoder, region=None, first_biases=None) -> dict:
    """The decoder's layers as a spec and two packed blobs the page's script reads.

    ``kernels``: every kernel as integers (zigzag, gzip), in layer order; ``floats``: per
    kernel its steps (one per slice of the last axis: weight = integer × step), then its
    biases, as float32 (gzip). ``region``: the latent box the explorer can reach, a
    ``(low, high)`` per dimension (default −3 to 3 in each). ``first_biases``: for a
    conditional decoder folded into one per class (``conditional.class_decoder``), the
    first Dense layer's bias of each class, shape ``(classes, units)``: every class is
    calibrated and checked, and the page gets the biases as one more blob,
    ``class_biases`` (float32, gzip), to swap in when the reader picks a class.

    The pixels the page draws must stay within :data:`TOLERANCE` of Keras's, with as few
    bits as that allows:

    * a last Dense layer with a sigmoid (all the dense decoders' weights but 2 %) gets a
      step per pixel, as coarse as keeps that pixel within BUDGET of Keras on
      calibration points of ``region`` (GPTQ rounding, see :func:`_gptq_steps`);
    * the other kernels get the fewest bits (8 to 16, one step per slice of the last
      axis) that keep the pixels within BUDGET (a third of it when a GPTQ layer follows)
      on calibration points, chosen layer by layer, the largest first; layers with few
      weights before a GPTQ layer simply keep 16.

    Then the decoder the page will run is compared with Keras on other random points of
    ``region``; above CHECK the export is refused. ``checked`` holds that difference.
    """
    dims = int(decoder.inputs[0].shape[-1])
    region = [(-3.0, 3.0)] * dims if region is None else region
    spec, params = [], []  # params: (layer, kind, config, kernel, bias)
    for layer in decoder.layers:
        kind = type(layer).__name__
        if kind == "InputLayer":
            continue
        if kind not in _SUPPORTED:
            raise ValueError(
                f"the browser explorer cannot run the layer {layer.name!r} "
                f"({kind}); it runs {sorted(_SUPPORTED)}."
            )
        config = layer.get_config()
        if kind == "Reshape":
            spec.append(
                {"type": kind, "target_shape": list(config["target_shape"])}
            )
            continue
        if kind.startswith("Conv") and (
            tuple(config["kernel_size"]) != (3, 3)
            or config["padding"] != "same"
            or tuple(config["strides"])
            != ((2, 2) if kind == "Conv2DTranspose" else (1, 1))
        ):
            raise ValueError(
                f"{layer.name}: the explorer runs 3×3 'same' convolutions, "
                f"stride 2 transposed and stride 1 plain, not {config}."
            )
        kernel, bias = (np.asarray(w, "float32") for w in layer.get_weights())
        spec.append({"type": kind, "config": config})
        params.append((layer, kind, config, kernel, bias))

    layer, kind, config, kernel, bias = params[-1]
    gptq = kind == "Dense" and config["activation"] == "sigmoid"
    before = params[:-1] if gptq else params
    conv = any(kind.startswith("Conv") for _, kind, *_ in params)
    n_grid, n_random = (0, 600) if conv else (121, 4000)
    if first_biases is not None:
        # About as many calibration points in all as for one class, shared out between
        # the classes (each class runs all of them): ten times as many took 5 GB.
        share = len(first_biases)
        n_grid = int(n_grid / share**0.5)
        n_random = max(n_random // share, 400)
    points = _calibration_points(region, n_grid, n_random, seed=0)
    biases = None
    if first_biases is not None:
        biases = np.asarray(first_biases, "float32")
        if params[0][1] != "Dense" or biases.shape[1:] != params[0][4].shape:
            raise ValueError(
                "explorer: first_biases must hold one bias of the first Dense "
                f"layer per class, shape (classes, {params[0][4].shape[0]})."
            )
    exact = [w for *_, k, b in params for w in (k, b)]

    def reference_of(points):
        out = _run_page(decoder, exact, points, biases)
        return out.reshape(len(out), -1)

    reference = reference_of(points)

    def weights_of(chosen, last=None):
        out = []
        for (q, step), (_, _, _, _, b) in zip(chosen, before):
            out += [(q * step).astype("float32"), b]
        if gptq:
            out += last or [kernel, bias]
        return out

    def quantised(bits):
        # The search may share a step across a layer of small slices; 16 bits keep one
        # per slice (a plane's first layer meets inputs far from the origin).
        return [
            _uniform_steps(k, n, shared=n < 16)
            for (*_, k, _), n in zip(before, bits)
        ]

    def error(bits):
        chosen = quantised(bits)
        ours = _run_page(decoder, weights_of(chosen), points, biases)
        return np.abs(ours.reshape(len(ours), -1) - reference).max()

    # Fewest bits per layer, the largest layers first: each as few as keeps the pixels
    # within its share of the budget (shares in proportion to the layers' sizes, added up
    # with the layers chosen before it; bisection between 8 and 16 bits).
    bits = [16] * len(before)
    sizes = [k.size for *_, k, _ in before]
    if not (gptq and sum(sizes) < 0.05 * kernel.size):
        budget = BUDGET / 3 if gptq else BUDGET
        done = 0
        for i in sorted(range(len(before)), key=lambda i: -sizes[i]):
            done += sizes[i]
            share = budget * done / sum(sizes)
            low, high = 7, 16  # high passes
            while high - low > 1:
                mid = (low + high) // 2
                trial = bits[:i] + [mid] + bits[i + 1 :]
                low, high = (
                    (low, mid) if error(trial) <= share else (mid, high)
                )
            bits[i] = high
    chosen = quantised(bits)
    if gptq:
        import keras

        # Rounds: calibrate, then check on fresh random points; points of the check above
        # BUDGET join the calibration points of the next round, with a smaller budget (a
        # wide plane, as the autoencoder's, is not covered finely enough by the grid
        # alone). If none passes, the layer keeps 16 bits, rounded to nearest.
        page = _page_decoder(decoder, weights_of(chosen))
        prefix = keras.Model(page.inputs[0], page.layers[-1].input)
        start = page.get_weights()
        for attempt, share in enumerate((1, 1, 0.5, 0.25)):
            inputs = []
            for first in [start[1]] if biases is None else biases:
                page.set_weights([start[0], first, *start[2:]])
                inputs.append(_run(prefix, points))
            inputs = np.concatenate(inputs)
            q, step = _gptq_steps(
                kernel, bias, inputs, reference, BUDGET * share
            )
            weights = weights_of(chosen, [(q * step).astype("float32"), bias])
            checked, missed = _largest_difference(
                decoder, weights, region, 1 + attempt, biases
            )
            if checked <= CHECK:
                break
            points = np.concatenate([points, missed])
            reference = reference_of(points)
        else:
            q, step = _uniform_steps(kernel, 16)
            weights = weights_of(chosen, [(q * step).astype("float32"), bias])
            checked, _ = _largest_difference(
                decoder, weights, region, 9, biases
            )
        chosen.append((q, step))
    else:
        weights = weights_of(chosen)
        checked, _ = _largest_difference(decoder, weights, region, 1, biases)

    layers, kernels, floats = [], [], []
    n_kernel = n_float = 0
    pairs = iter(zip(chosen, params))
    for entry in spec:
        if "config" not in entry:
            layers.append(entry)
            continue
        (q, step), (_, kind, config, kernel, bias) = next(pairs)
        layers.append(
            {
                "type": kind,
                "units": int(config.get("units") or config["filters"]),
                "activation": config["activation"],
                "kernel": {
                    "shape": list(kernel.shape),
                    "offset": n_kernel,
                    "scales": n_float,
                },
                "bias": n_float + len(step),
            }
        )
        kernels.append(q.ravel())
        floats += [step, bias]
        n_kernel += kernel.size
        n_float += len(step) + len(bias)
    if checked > CHECK:
        raise ValueError(
            f"explorer: the page's decoder would differ from Keras by {checked:.1e} "
            f"(more than {CHECK:g}) over the region {region}; lower BUDGET in "
            "vaecourse/explorer.py."
        )
    out = {
        "spec": {"latent_dim": dims, "layers": layers},
        "kernels": _packed(_zigzag_planes(np.concatenate(kernels))),
        "floats": _packed(np.concatenate(floats).astype("<f4")),
        "checked": float(checked),
    }
    if biases is not None:
        out["class_biases"] = _packed(biases.astype("<f4"))
    return out


def _largest_difference(decoder, weights, region, seed: int, biases=None):
    """The largest pixel difference between ``decoder`` and the same network with
    ``weights`` (the page's), on random points of ``region`` not used to choose them,
    and those of the points where it is above BUDGET; with ``biases``, over every
    class (the same number of points in all, shared out between the classes)."""
    conv = any("Conv" in type(layer).__name__ for layer in decoder.layers)
    n = 1000 if conv else 20000
    if biases is not None:
        n = max(n // len(biases), 500)
    points = _calibration_points(region, 0, n, seed)
    exact = [np.asarray(w) for w in decoder.get_weights()]
    error = np.zeros(len(points), "float32")
    # One class at a time: ten classes' outputs at once took 0.25 GB.
    for bias in [None] if biases is None else biases:
        one = None if bias is None else bias[None]
        ours = _run_page(decoder, weights, points, one)
        theirs = _run_page(decoder, exact, points, one)
        diff = np.abs(ours - theirs).reshape(len(points), -1).max(axis=1)
        np.maximum(error, diff, out=error)
    return float(error.max()), points[error > BUDGET]


def _hex(colour) -> str:
    return "#" + "".join(f"{round(255 * c):02x}" for c in colour[:3])


#: When the book is built (``make book`` sets it), the explorers' script and data go to
#: files in ``_static/explorers/`` that the page loads when the reader starts an
#: explorer: the page itself stays light. Elsewhere (Jupyter, Colab) they are inline.
SITE_ASSETS_ENV = "VAECOURSE_EXPLORER_ASSETS"


def _lazy_files(data: dict) -> tuple[str, str]:
    """Write the runtime and ``data`` as classic scripts for the site; their URLs."""
    import hashlib

    folder = Path(os.environ[SITE_ASSETS_ENV])
    folder.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(data, separators=(",", ":"))
    key = hashlib.sha256(payload.encode()).hexdigest()[:16]
    (folder / "explorer.js").write_text(_RUNTIME.read_text())
    (folder / f"data-{key}.js").write_text(
        "window.VaeExplorerData = window.VaeExplorerData || {};\n"
        f"window.VaeExplorerData[{json.dumps(key)}] = {payload};\n"
    )
    return key, f"{(len(payload) + len(_RUNTIME.read_text())) / 1e6:.2f} MB"


def _page(kind: str, body: str, data: dict, model: str):
    from IPython.display import HTML

    element = f"vaecourse-explorer-{next(_ids)}"
    data = {**data, "kind": kind, "model": model}
    start = f"window.VaeExplorer.start({json.dumps(element)}, "
    if os.environ.get(SITE_ASSETS_ENV):
        key, size = _lazy_files(data)
        # Classic scripts added on demand load from file:// too (a fetch would not).
        body = (
            f'<button type="button" class="vx-start" data-key="{key}">'
            f"Start the live decoder (loads {size})</button>{body}"
        )
        script = (
            "<script>(function () {"
            f"var root = document.getElementById({json.dumps(element)});"
            "var button = root.querySelector('.vx-start');"
            "var base = '../_static/explorers/';"
            "function add(src, then) { var s = document.createElement('script');"
            " s.src = src; s.onload = then; document.head.appendChild(s); }"
            "button.addEventListener('click', function () {"
            " button.disabled = true; button.textContent = 'Loading…';"
            " add(base + 'explorer.js', function () {"
            "  add(base + 'data-' + button.dataset.key + '.js', function () {"
            f"   button.remove(); {start}"
            "    window.VaeExplorerData[button.dataset.key]); }); }); });"
            "})();</script>"
        )
    else:
        script = (
            f"<script>{_RUNTIME.read_text()}</script>\n<script>{start}"
            f"{json.dumps(data, separators=(',', ':'))});</script>"
        )
    return HTML(
        f'<div class="vae-explorer vae-explorer-{kind}" id="{element}">'
        f"{body}</div>\n{script}"
    )


_STYLE = (
    "display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start;"
    "margin:0.5rem 0"
)
_DIGIT = (
    'width="28" height="28" style="width:140px;height:140px;'
    'image-rendering:pixelated;border:1px solid #767676"'
)


def _legend() -> str:
    items = "".join(
        f'<span style="white-space:nowrap;margin-right:0.5em">'
        f'<span aria-hidden="true" style="display:inline-block;width:0.8em;'
        f'height:0.8em;background:{_hex(DIGIT_COLOURS[d])}"></span> {d}</span>'
        for d in range(10)
    )
    return f'<p style="margin:0.25rem 0;font-size:0.9em">Test digits: {items}</p>'


def _box(codes, limit):
    """The square drawn: ``[-limit, limit]²``, or (``limit=None``) one around the
    middle 99 % of the codes on each axis."""
    if limit is not None:
        return [-float(limit), float(limit), -float(limit), float(limit)]
    low, high = np.percentile(np.asarray(codes)[:, :2], [0.5, 99.5], axis=0)
    centre, half = (low + high) / 2, 0.55 * float(np.max(high - low))
    return [
        float(centre[0] - half),
        float(centre[0] + half),
        float(centre[1] - half),
        float(centre[1] + half),
    ]


def _region(box, dims: int = 2):
    """The latent box an explorer can reach, and −3 to 3 in each dimension, which the
    tests decode at: the decoder is exported to match Keras over both."""
    box = box or [-3.0, 3.0] * dims
    return [
        (min(box[2 * d], -3.0), max(box[2 * d + 1], 3.0)) for d in range(dims)
    ]


def _packed_codes(codes, box) -> str:
    """Codes in the drawn square as 16-bit fractions of it (1/65535 of its side)."""
    low = np.array([box[0], box[2]])
    side = np.array([box[1] - box[0], box[3] - box[2]])
    fraction = np.clip((np.asarray(codes, "float64") - low) / side, 0, 1)
    return _packed(np.round(fraction * 65535).astype("<u2"))


def _codes(codes, labels, box, n: int, include=(), seed: int = 0):
    """Up to ``n`` codes inside the plane's square (always those of ``include``)."""
    codes, labels = np.asarray(codes, "float32"), np.asarray(labels)
    x, y = codes[:, 0], codes[:, 1]
    inside = np.flatnonzero(
        (x >= box[0]) & (x <= box[1]) & (y >= box[2]) & (y <= box[3])
    )
    rng = np.random.default_rng(seed)
    keep = rng.choice(inside, size=min(n, len(inside)), replace=False)
    keep = np.unique(np.concatenate([keep[: n - len(include)], include]))
    keep = keep.astype(int)
    return keep, codes[keep, :2], labels[keep]


def _plane_body(title: str, box, picker: str) -> str:
    """The plane's HTML: help, the plane, the digit and its readout, a legend;
    ``picker`` (HTML) goes between the help and the plane."""
    help_id = f"vaecourse-help-{next(_ids)}"
    extra = (
        "Pick the class in the menu (or focus it and use the arrow keys). "
        if picker
        else ""
    )
    return (
        f'<p id="{help_id}" style="margin:0 0 0.5rem 0;width:100%">'
        f"<strong>{html.escape(title)}.</strong> {extra}Drag the ring over the "
        "plane, or click the plane and move the ring with the arrow keys (Shift: "
        "larger steps; Home: back to the origin). The decoder runs in your "
        f"browser.</p>{picker}"
        f'<div style="{_STYLE}">'
        f'<canvas class="vx-plane" width="360" height="360" tabindex="0" '
        f'role="application" aria-roledescription="latent plane" '
        f'aria-label="{html.escape(title)}: the latent plane, '
        f"{box[0]:.1f} to {box[1]:.1f} across, {box[2]:.1f} to {box[3]:.1f} "
        f'up" aria-describedby="{help_id}" '
        'style="width:min(360px,100%);aspect-ratio:1;touch-action:none;'
        'cursor:crosshair;border:1px solid #767676"></canvas>'
        '<div><canvas class="vx-digit" role="img" '
        f'aria-label="The digit decoded at the ring" {_DIGIT}></canvas>'
        '<p class="vx-readout" aria-live="polite" '
        'style="max-width:14rem;margin:0.5rem 0"></p></div></div>' + _legend()
    )


def latent_plane(
    decoder,
    codes,
    labels,
    model: str,
    limit: float | None = 4.0,
    n_codes: int = 3000,
    title: str = "Latent explorer",
):
    """Drag a point over the 2-D latent plane; the decoder draws the digit there, live.

    ``codes``/``labels``: test encodings and their digits, drawn in the plane (at most
    ``n_codes`` of them, inside ``[-limit, limit]²``, or with ``limit=None`` a square
    around the codes). ``model``: the zoo name of the model (the tests decode the same
    points with Keras and compare).
    """
    if int(decoder.inputs[0].shape[-1]) != 2:
        raise ValueError(
            "latent_plane needs a decoder of a 2-D latent space; use "
            "latent_sliders for more dimensions."
        )
    box = _box(codes, limit)
    _, shown, digits = _codes(codes, labels, box, n_codes)
    body = _plane_body(title, box, "")
    data = {
        **export_decoder(decoder, _region(box)),
        "codes": _packed_codes(shown, box),
        "labels": _packed(digits.astype("uint8")),
        "colours": [_hex(c) for c in DIGIT_COLOURS],
        "box": box,
    }
    return _page("plane", body, data, model)


def class_plane(
    decoder,
    codes,
    labels,
    model: str,
    start: int = 0,
    limit: float | None = 4.0,
    n_codes: int = 3000,
    title: str = "Class explorer",
):
    """:func:`latent_plane` for a conditional decoder (inputs ``[z, one_hot]``, a 2-D
    ``z``): the reader picks the digit class in a menu and drags z over the plane.

    A one-hot class only adds a row of the first Dense layer's kernel to its bias
    (``conditional.class_decoder``): the page gets the shared decoder once and the ten
    first-layer biases, and swaps the bias when the class changes. ``codes``/``labels``:
    the test encodings (each under its own label) and their digits; ``start``: the
    class shown first.
    """
    from .conditional import class_decoder

    n_classes = int(decoder.inputs[1].shape[-1])
    plain = [class_decoder(decoder, c) for c in range(n_classes)]
    if int(plain[0].inputs[0].shape[-1]) != 2:
        raise ValueError("class_plane needs a decoder of a 2-D latent space.")
    biases = np.stack(
        [np.asarray(p.layers[1].get_weights()[1]) for p in plain]
    )
    box = _box(codes, limit)
    _, shown, digits = _codes(codes, labels, box, n_codes)
    options = "".join(
        f'<option value="{c}"{" selected" if c == start else ""}>{c}</option>'
        for c in range(n_classes)
    )
    picker = (
        '<p style="margin:0 0 0.5rem 0;width:100%"><label>Digit class '
        f'<select class="vx-class">{options}</select></label></p>'
    )
    data = {
        **export_decoder(plain[start], _region(box), first_biases=biases),
        "codes": _packed_codes(shown, box),
        "labels": _packed(digits.astype("uint8")),
        "colours": [_hex(c) for c in DIGIT_COLOURS],
        "box": box,
        "start_class": int(start),
    }
    return _page("conditional", _plane_body(title, box, picker), data, model)


def latent_sliders(
    decoder,
    model: str,
    limit: float = 3.0,
    title: str = "Latent sliders",
):
    """One labelled slider per latent dimension; the decoder draws the digit, live."""
    dims = int(decoder.inputs[0].shape[-1])
    sliders = "".join(
        f'<p style="margin:0.25rem 0"><label>z<sub>{d + 1}</sub> '
        f'<input type="range" min="{-limit:g}" max="{limit:g}" step="0.05" '
        f'value="0" style="vertical-align:middle;width:12rem"></label> '
        f"<output>0.00</output></p>"
        for d in range(dims)
    )
    body = (
        f'<p style="margin:0 0 0.5rem 0"><strong>{html.escape(title)}.</strong> '
        "Move a slider (or focus it and use the arrow keys); the decoder runs in "
        "your browser.</p>"
        f'<div style="{_STYLE}"><div>{sliders}</div>'
        '<div><canvas class="vx-digit" role="img" '
        f'aria-label="The digit decoded at the sliders\' point" {_DIGIT}>'
        "</canvas>"
        '<p class="vx-readout" aria-live="polite" style="margin:0.5rem 0"></p>'
        "</div></div>"
    )
    region = _region([-float(limit), float(limit)] * dims, dims)
    return _page("sliders", body, export_decoder(decoder, region), model)


def latent_path(
    decoder,
    codes,
    labels,
    images,
    model: str,
    start=(0, 1),
    limit: float = 4.0,
    n_codes: int = 200,
    title: str = "Path explorer",
):
    """Pick two test digits (click the plane, or the two menus) and slide t from 0 to 1.

    Shows the pixel blend ``(1 − t)·x_A + t·x_B`` next to the decoding of the latent path
    ``(1 − t)·z_A + t·z_B``. ``images`` are the test images of ``codes``; ``start`` the
    indices (into ``codes``) of the first pair A and B.
    """
    box = _box(codes, limit)
    keep, shown, digits = _codes(codes, labels, box, n_codes, include=start)
    pixels = np.asarray(images)[keep].reshape(len(keep), 784)
    options = "".join(
        f'<option value="{i}">test image {k}, a {d}</option>'
        for i, (k, d) in enumerate(zip(keep, digits))
    )
    menus = "".join(
        f'<label style="margin-right:1rem">{name} '
        f'<select style="max-width:12rem">{options}</select></label>'
        for name in ("A:", "B:")
    )
    body = (
        f'<p style="margin:0 0 0.5rem 0"><strong>{html.escape(title)}.</strong> '
        "Click two digits on the plane (first A, then B) or choose them in the "
        "menus, then move t. The decoder runs in your browser.</p>"
        f'<p style="margin:0.25rem 0">{menus}</p>'
        f'<div style="{_STYLE}">'
        '<canvas class="vx-plane" width="360" height="360" aria-hidden="true" '
        'style="width:min(360px,100%);aspect-ratio:1;touch-action:none;'
        'cursor:pointer;border:1px solid #767676"></canvas>'
        '<div><p style="margin:0.25rem 0"><label>t '
        '<input class="vx-t" type="range" min="0" max="1" step="0.01" value="0.5"'
        ' style="vertical-align:middle;width:10rem"></label></p>'
        '<div style="display:flex;gap:0.75rem">'
        '<figure style="margin:0"><canvas class="vx-blend" role="img" '
        f'aria-label="Pixel blend of A and B at t" {_DIGIT}></canvas>'
        '<p style="margin:0">pixel blend</p></figure>'
        '<figure style="margin:0"><canvas class="vx-digit" role="img" '
        f'aria-label="Decoded latent path at t" {_DIGIT}></canvas>'
        '<p style="margin:0">latent path</p></figure></div>'
        '<p class="vx-readout" aria-live="polite" '
        'style="max-width:20rem;margin:0.5rem 0"></p></div></div>' + _legend()
    )
    data = {
        **export_decoder(decoder, _region(box)),
        "codes": _packed_codes(shown, box),
        "labels": _packed(digits.astype("uint8")),
        "images": _packed(
            np.round(np.clip(pixels, 0, 1) * 255).astype("uint8")
        ),
        "colours": [_hex(c) for c in DIGIT_COLOURS],
        "box": box,
        "start": [int(np.flatnonzero(keep == s)[0]) for s in start],
    }
    return _page("path", body, data, model)
