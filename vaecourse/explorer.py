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
* :func:`latent_sliders` — one slider per latent dimension.
* :func:`latent_path` — pick two test digits on the plane and slide t between them: the
  pixel blend next to the decoded latent path.
"""

from __future__ import annotations

import base64
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


def _b64(array) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode()


def export_decoder(decoder) -> dict:
    """The decoder's layers as a spec and two base64 blobs the page's script reads.

    ``kernels``: every kernel as int16, in layer order; ``floats``: per kernel its scales
    (one per slice of the last axis), then its biases, as float32.
    """
    layers, kernels, floats = [], [], []
    n_kernel = n_float = 0
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
            layers.append(
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
        scales = np.abs(kernel).reshape(-1, kernel.shape[-1]).max(axis=0)
        scales = np.where(scales > 0, scales / 32767, 1.0).astype("float32")
        quantised = np.round(kernel / scales).clip(-32767, 32767)
        units = config.get("units") or config["filters"]
        layers.append(
            {
                "type": kind,
                "units": int(units),
                "activation": config["activation"],
                "kernel": {
                    "shape": list(kernel.shape),
                    "offset": n_kernel,
                    "scales": n_float,
                },
                "bias": n_float + len(scales),
            }
        )
        kernels.append(quantised.astype("<i2").ravel())
        floats += [scales, bias.astype("float32")]
        n_kernel += kernel.size
        n_float += len(scales) + len(bias)
    return {
        "spec": {
            "latent_dim": int(decoder.inputs[0].shape[-1]),
            "layers": layers,
        },
        "kernels": _b64(np.concatenate(kernels)),
        "floats": _b64(np.concatenate(floats).astype("<f4")),
    }


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
    return key, f"{len(payload) / 1e6:.1f} MB"


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
    help_id = f"vaecourse-help-{next(_ids)}"
    body = (
        f'<p id="{help_id}" style="margin:0 0 0.5rem 0;width:100%">'
        f"<strong>{html.escape(title)}.</strong> Drag the ring over the plane, "
        "or click the plane and move the ring with the arrow keys (Shift: larger "
        "steps; Home: back to the origin). The decoder runs in your browser.</p>"
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
    data = {
        **export_decoder(decoder),
        "codes": _b64(shown.astype("<f4")),
        "labels": _b64(digits.astype("uint8")),
        "colours": [_hex(c) for c in DIGIT_COLOURS],
        "box": box,
    }
    return _page("plane", body, data, model)


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
    return _page("sliders", body, export_decoder(decoder), model)


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
        **export_decoder(decoder),
        "codes": _b64(shown.astype("<f4")),
        "labels": _b64(digits.astype("uint8")),
        "images": _b64(np.round(np.clip(pixels, 0, 1) * 255).astype("uint8")),
        "colours": [_hex(c) for c in DIGIT_COLOURS],
        "box": box,
        "start": [int(np.flatnonzero(keep == s)[0]) for s in start],
    }
    return _page("path", body, data, model)
