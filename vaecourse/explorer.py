"""Latent explorers: the decoder runs in the reader's browser, on the page itself.

Each function returns an ``IPython.display.HTML`` that a chapter displays. It holds the
decoder's weights, a few test codes to draw, and a small classic script (``explorer.js``,
written once per page) that decodes any latent point in plain JavaScript: no kernel, no
server, no fetch; it works from ``file://`` too.

The decoder's weights come packed, once, by the maintainer command
``python -m tools.export_explorers``, into ``weights/explorers/MODEL.json``: integers with
one float32 step per slice of each kernel's last axis (gzip, base64), within
:data:`TOLERANCE` of Keras's pixels (checked at export, and in Chromium by
``tests/test_explorers.py``). Here that file is only read (no TensorFlow work), after
checking that it was packed from the weights in ``weights/``. A model trained in the
notebook (``RETRAIN = True``, or the quick profile) is not packed again: the explorer
runs the shipped decoder, and says so in one line.

* :func:`latent_plane` — drag a point over a 2-D latent plane (or move it with the arrow
  keys) and see the digit the decoder draws there.
* :func:`class_plane` — the same for a conditional decoder, with a menu of the
  digit classes: the class changes the digit, z its style.
* :func:`latent_sliders` — one slider per latent dimension.
* :func:`latent_path` — pick two test digits on the plane and slide t between them: the
  pixel blend next to the decoded latent path.
* :func:`code_grid` — a VQ-VAE's 7×7 grid of codes, painted cell by cell from a palette
  of the codebook; the decoder draws the digit of the grid.

The controls stay disabled until the decoder has started (on the site, until the reader
presses "Start the live decoder"). Element ids are unique on a page that holds several
notebooks' outputs (JupyterLab): a hash of the explorer's content, a counter, and in a
notebook a token of the kernel.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import itertools
import json
import os
import re
import secrets
from pathlib import Path

import numpy as np

from .paths import EXPLORERS_DIR, ROOT, WEIGHTS_DIR, missing_file_hint
from .plotting import DIGIT_COLOURS

_RUNTIME = Path(__file__).with_name("explorer.js")
#: The maintainer command that packs the decoders (``tools/export_explorers.py``).
EXPORT_COMMAND = "python -m tools.export_explorers"
#: The largest pixel difference between the page's decoder and Keras's, at any latent
#: point of the explorer's region: the export refuses more (it checks a margin under
#: it), ``tests/test_explorers.py`` compares in Chromium.
TOLERANCE = 2e-3
#: What the page needs of a packed file (the rest says where it came from).
_PAGE_KEYS = (
    "spec",
    "kernels",
    "floats",
    "class_biases",
    "codebook",
    "prototypes",
)
_calls = itertools.count(1)
#: Differs from kernel to kernel: notebooks open side by side in JupyterLab share one
#: page, and their explorers must not share an element id.
_KERNEL = secrets.token_hex(4)


def _packed(array) -> str:
    """``array``'s bytes, gzip-compressed then base64: the page unpacks it with the
    browser's own ``DecompressionStream`` (from ``file://`` too: no fetch)."""
    data = np.ascontiguousarray(array).tobytes()
    return base64.b64encode(gzip.compress(data, 9, mtime=0)).decode()


def explorer_file(model: str, folder: Path | None = None) -> Path:
    """Where the packed decoder of ``model`` is: ``weights/explorers/MODEL.json``."""
    return Path(folder or EXPLORERS_DIR) / f"{model}.json"


def decoder_sha256(decoder, *extra) -> str:
    """A hash of the decoder's weights (shapes and float32 bytes, layer by layer), then
    of the arrays ``extra`` (a VQ-VAE's codebook): the same for the shipped weights
    however the decoder was built, other once trained."""
    digest = hashlib.sha256()
    for weight in [*decoder.get_weights(), *(np.asarray(e) for e in extra)]:
        weight = np.ascontiguousarray(weight, "<f4")
        digest.update(repr(weight.shape).encode())
        digest.update(weight.tobytes())
    return digest.hexdigest()


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _shown(path: Path) -> str:
    try:
        return str(Path(path).relative_to(ROOT))
    except ValueError:
        return str(path)


def packed_decoder(model: str) -> dict:
    """The packed decoder of ``model`` (``weights/explorers/MODEL.json``), once its
    record of the weights it came from matches ``weights/MODEL.weights.h5``."""
    weights = WEIGHTS_DIR / f"{model}.weights.h5"
    path = explorer_file(model)
    command = f"`{EXPORT_COMMAND} {model}`"
    if not weights.is_file():
        raise FileNotFoundError(missing_file_hint(weights))
    if not path.is_file():
        raise FileNotFoundError(
            f"The live explorer of {model!r} runs a decoder packed for the browser, "
            f"{_shown(path)}, which is missing. The maintainer command {command} "
            f"writes it from {_shown(weights)}."
        )
    data = json.loads(path.read_text())
    if data.get("weights_sha256") != _file_sha256(weights):
        raise RuntimeError(
            f"{_shown(path)} was packed from other weights than {_shown(weights)} "
            f"(its sha256 differs): the shipped weights changed since. Pack the "
            f"decoder again with the maintainer command {command}."
        )
    return data


def _decoder_for_page(decoder, model: str, reach=None, extra=()) -> dict:
    """What the page needs of the packed decoder of ``model``. When ``decoder`` (and the
    arrays ``extra``, a VQ-VAE's codebook) is not the shipped one (trained in this
    notebook), one printed line says that the page runs the shipped one. ``reach``: the
    latent box the explorer can reach, which must lie in the region the packed decoder
    was checked over."""
    data = packed_decoder(model)
    if decoder_sha256(decoder, *extra) != data["decoder_sha256"]:
        print(
            f"The explorer runs the shipped {model} decoder "
            "(weights/), not the one trained here."
        )
    elif reach is not None:
        covered = data["region"]
        slack = 1e-3 * max(hi - lo for lo, hi in covered)
        if any(
            lo < c_lo - slack or hi > c_hi + slack
            for (lo, hi), (c_lo, c_hi) in zip(reach, covered)
        ):
            raise ValueError(
                f"This explorer of {model!r} reaches {reach}, beyond the region "
                f"{_shown(explorer_file(model))} was checked over, {covered}. "
                f"Widen the model's square in EXPLORERS (tools/export_explorers.py) "
                f"and run `{EXPORT_COMMAND} {model}`."
            )
    return {key: data[key] for key in _PAGE_KEYS if key in data}


def _hex(colour) -> str:
    return "#" + "".join(f"{round(255 * c):02x}" for c in colour[:3])


#: When the book is built (``make book`` sets it), the explorers' script and data go to
#: files in ``_static/explorers/`` that the page loads when the reader starts an
#: explorer: the page itself stays light. Elsewhere (Jupyter, Colab) they are inline.
SITE_ASSETS_ENV = "VAECOURSE_EXPLORER_ASSETS"
#: Stands for the explorer's element id in the HTML until the id is known (a hash of
#: the HTML with it).
_ID = "__vaecourse_explorer__"


def _lazy_files(data: dict) -> tuple[str, str]:
    """Write the runtime and ``data`` as classic scripts for the site; their URLs."""
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


def _element_id(kind: str, model: str, body: str, data: dict) -> str:
    """An id no other explorer on the page has: the kind, the model and a hash of the
    content (two chapters' explorers differ), a counter (the same explorer twice in one
    kernel), and in a notebook the kernel's token (the same chapter in two kernels of
    one JupyterLab page). The site build leaves the token out: a chapter is a page of
    its own there, and the same content gives the same HTML (the execution cache)."""
    content = hashlib.sha256(
        (body + json.dumps(data, sort_keys=True)).encode()
    ).hexdigest()[:12]
    parts = [
        "vaecourse-explorer",
        kind,
        re.sub(r"[^\w-]", "-", model),
        content,
    ]
    if not os.environ.get(SITE_ASSETS_ENV):
        parts.append(_KERNEL)
    return "-".join([*parts, str(next(_calls))])


def _page(kind: str, body: str, data: dict, model: str):
    from IPython.display import HTML

    data = {**data, "kind": kind, "model": model}
    element = _element_id(kind, model, body, data)
    body = body.replace(_ID, element)
    start = f"window.VaeExplorer.start({json.dumps(element)}, "
    if os.environ.get(SITE_ASSETS_ENV):
        key, size = _lazy_files(data)
        # Classic scripts added on demand load from file:// too (a fetch would not).
        # Once started, the focus moves from the removed button to the first control.
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
            "    window.VaeExplorerData[button.dataset.key]).then(function (e) {"
            "     var first = root.querySelector("
            "'canvas[tabindex=\"0\"], input, select');"
            "     if (e && first) first.focus({preventScroll: true}); });"
            " }); }); });"
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
    ``picker`` (HTML) goes between the help and the plane. The plane joins the tab
    order when the decoder starts (``explorer.js``)."""
    extra = (
        "Pick the class in the menu (or focus it and use the arrow keys). "
        if picker
        else ""
    )
    # Home returns to the middle of the square drawn: the origin when it is centred.
    centred = abs(box[0] + box[1]) < 1e-9 and abs(box[2] + box[3]) < 1e-9
    home = "the origin" if centred else "the middle of the square"
    return (
        f'<p id="{_ID}-help" style="margin:0 0 0.5rem 0;width:100%">'
        f"<strong>{html.escape(title)}.</strong> {extra}Drag the ring over the "
        "plane, or click the plane and move the ring with the arrow keys (Shift: "
        f"larger steps; Home: back to {home}). The decoder runs in your "
        f"browser.</p>{picker}"
        f'<div style="{_STYLE}">'
        '<canvas class="vx-plane" width="360" height="360" aria-disabled="true" '
        'role="application" aria-roledescription="latent plane" '
        f'aria-label="{html.escape(title)}: the latent plane, '
        f"{box[0]:.1f} to {box[1]:.1f} across, {box[2]:.1f} to {box[3]:.1f} "
        f'up" aria-describedby="{_ID}-help" '
        'style="width:min(360px,100%);aspect-ratio:1;touch-action:none;'
        'border:1px solid #767676"></canvas>'
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

    ``decoder``: the chapter's decoder (the page runs the shipped decoder of ``model``,
    packed in ``weights/explorers/``; a line says so when ``decoder`` was trained here).
    ``codes``/``labels``: test encodings and their digits, drawn in the plane (at most
    ``n_codes`` of them, inside ``[-limit, limit]²``, or with ``limit=None`` a square
    around the codes). ``model``: the zoo name of the model.
    """
    if int(decoder.inputs[0].shape[-1]) != 2:
        raise ValueError(
            "latent_plane needs a decoder of a 2-D latent space; use "
            "latent_sliders for more dimensions."
        )
    box = _box(codes, limit)
    _, shown, digits = _codes(codes, labels, box, n_codes)
    data = {
        **_decoder_for_page(decoder, model, _region(box)),
        "codes": _packed_codes(shown, box),
        "labels": _packed(digits.astype("uint8")),
        "colours": [_hex(c) for c in DIGIT_COLOURS],
        "box": box,
    }
    return _page("plane", _plane_body(title, box, ""), data, model)


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
    first-layer biases (packed so by ``tools/export_explorers.py``), and swaps the bias
    when the class changes. ``codes``/``labels``: the test encodings (each under its own
    label) and their digits; ``start``: the class shown first.
    """
    n_classes = int(decoder.inputs[1].shape[-1])
    if int(decoder.inputs[0].shape[-1]) != 2:
        raise ValueError("class_plane needs a decoder of a 2-D latent space.")
    box = _box(codes, limit)
    _, shown, digits = _codes(codes, labels, box, n_codes)
    options = "".join(
        f'<option value="{c}"{" selected" if c == start else ""}>{c}</option>'
        for c in range(n_classes)
    )
    picker = (
        '<p style="margin:0 0 0.5rem 0;width:100%"><label>Digit class '
        f'<select class="vx-class" disabled>{options}</select></label></p>'
    )
    page = _decoder_for_page(decoder, model, _region(box))
    if "class_biases" not in page:
        raise ValueError(
            f"{_shown(explorer_file(model))} holds no class biases: is {model!r} "
            "a conditional model?"
        )
    data = {
        **page,
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
    """One labelled slider per latent dimension; the decoder draws the digit, live.
    (``decoder``, ``model``: as for :func:`latent_plane`.)"""
    dims = int(decoder.inputs[0].shape[-1])
    region = _region([-float(limit), float(limit)] * dims, dims)
    data = _decoder_for_page(decoder, model, region)
    dims = data["spec"]["latent_dim"]  # the page's decoder: the shipped one
    sliders = "".join(
        f'<p style="margin:0.25rem 0"><label>z<sub>{d + 1}</sub> '
        f'<input type="range" min="{-limit:g}" max="{limit:g}" step="0.05" '
        f'value="0" disabled style="vertical-align:middle;width:12rem"></label> '
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
    return _page("sliders", body, data, model)


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
    indices (into ``codes``) of the first pair A and B; ``decoder``, ``model``: as for
    :func:`latent_plane`.
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
        f'<select disabled style="max-width:12rem">{options}</select></label>'
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
        'border:1px solid #767676"></canvas>'
        '<div><p style="margin:0.25rem 0"><label>t '
        '<input class="vx-t" type="range" min="0" max="1" step="0.01" value="0.5"'
        ' disabled style="vertical-align:middle;width:10rem"></label></p>'
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
        **_decoder_for_page(decoder, model, _region(box)),
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


#: The code grid's styles, scoped to its explorers: the palette's radio buttons are
#: invisible over their swatches (still focusable, still radio buttons to a screen
#: reader), the chosen swatch outlined, the focused one ringed.
_CODE_GRID_STYLE = """<style>
.vae-explorer-codes .vx-grid{display:grid;grid-template-columns:repeat(7,auto);
gap:2px;justify-content:start}
.vae-explorer-codes .vx-cell{width:clamp(1.6rem,calc((100vw - 13rem) / 7),2.4rem);
aspect-ratio:1;padding:0;margin:0;
font:0.85rem/1 sans-serif;color:#000;background:#fff;border:1px solid #767676;
border-radius:3px;cursor:pointer}
.vae-explorer-codes .vx-cell:disabled{cursor:default}
.vae-explorer-codes .vx-cell:focus-visible{outline:3px solid #1a5fb4;
outline-offset:1px;position:relative;z-index:1}
.vae-explorer-codes .vx-palette{border:0;padding:0;margin:0.5rem 0 0 0;
min-width:0;width:100%}
.vae-explorer-codes .vx-swatches{display:grid;grid-template-columns:repeat(8,auto);
gap:4px 6px;justify-content:start}
.vae-explorer-codes .vx-swatch{position:relative;display:flex;flex-direction:column;
align-items:center;font-size:0.7rem;line-height:1.1}
.vae-explorer-codes .vx-swatch input{position:absolute;inset:0;width:100%;
height:100%;margin:0;opacity:0;cursor:pointer}
.vae-explorer-codes .vx-swatch input:disabled{cursor:default}
.vae-explorer-codes .vx-swatch canvas{width:30px;height:30px;
image-rendering:pixelated;border:1px solid #767676;background:#fff}
.vae-explorer-codes .vx-swatch input:checked+canvas{outline:3px solid currentColor;
outline-offset:1px}
.vae-explorer-codes .vx-swatch input:focus-visible+canvas{
box-shadow:0 0 0 5px #1a5fb4}
</style>"""


def code_grid(
    vq,
    codes,
    labels,
    model: str,
    start: int = 0,
    title: str = "Code grid explorer",
):
    """Paint a VQ-VAE's 7×7 grid of codes; the decoder draws the digit, live.

    The palette shows the codebook's entries, each as the digit decoded from a grid
    filled with that code (computed at export); clicking or tapping a cell of the grid
    (or Enter or Space on it: the arrow keys move between the cells) paints it with
    the chosen code, and the page looks the codes up in the codebook and runs the
    convolutional decoder. ``vq``: the chapter's VQ-VAE (``vqvae.VQVAE``; the page runs
    the shipped one of ``model``, packed in ``weights/explorers/``, and a line says so
    when ``vq`` was trained here). ``codes``: a few test images' grids of codes,
    ``(n, 7, 7)`` (``vq.encode(images)``), to start from, and ``labels`` their digits;
    ``start``: the one shown first.
    """
    codebook = vq.quantizer.codebook
    page = _decoder_for_page(vq.decoder, model, extra=[codebook])
    if "codebook" not in page:
        raise ValueError(
            f"{_shown(explorer_file(model))} holds no codebook: is {model!r} "
            "a VQ-VAE?"
        )
    spec = page["spec"]
    rows, cols = spec["input_shape"][:2]
    num_codes = spec["num_codes"]
    codes = np.asarray(codes).astype("int64")
    labels = np.asarray(labels).astype(int).ravel()
    if codes.ndim != 3 or codes.shape[1:] != (rows, cols):
        raise ValueError(
            f"code_grid needs grids of codes of shape (n, {rows}, {cols}), "
            f"as vq.encode gives; these are {codes.shape}."
        )
    if codes.min(initial=0) < 0 or codes.max(initial=0) >= num_codes:
        raise ValueError(f"the codes must lie in 0 to {num_codes - 1}.")
    if len(labels) != len(codes) or not 0 <= start < len(codes):
        raise ValueError(
            "code_grid needs one label per grid, and start in 0 to "
            f"{len(codes) - 1}."
        )
    first = codes[start]
    # The code chosen first: the inkiest swatch, a stroke to paint with.
    prototypes = np.frombuffer(
        gzip.decompress(base64.b64decode(page["prototypes"])), np.uint8
    )
    chosen = int(np.argmax(prototypes.reshape(num_codes, -1).mean(axis=1)))
    options = "".join(
        f'<option value="{i}"{" selected" if i == start else ""}>'
        f"test digit {i + 1}, a {d}</option>"
        for i, d in enumerate(labels)
    )
    cells = "".join(
        f'<button type="button" class="vx-cell" disabled tabindex="-1" '
        f'aria-label="Row {r + 1}, column {c + 1}: code {first[r, c]}">'
        f"{first[r, c]}</button>"
        for r in range(rows)
        for c in range(cols)
    )
    swatches = "".join(
        f'<label class="vx-swatch"><input type="radio" name="{_ID}-code" '
        f'value="{k}" aria-label="Code {k}" disabled'
        f"{' checked' if k == chosen else ''}>"
        f'<canvas width="28" height="28" aria-hidden="true"></canvas>'
        f'<span aria-hidden="true">{k}</span></label>'
        for k in range(num_codes)
    )
    body = (
        _CODE_GRID_STYLE
        + f'<p id="{_ID}-help" style="margin:0 0 0.5rem 0;width:100%">'
        f"<strong>{html.escape(title)}.</strong> Choose a code in the palette "
        "below, then click or tap cells of the grid to paint them with it; the "
        "digit is decoded from the grid as you paint. Keyboard: the arrow keys "
        "move over the grid, Enter or Space paints the cell; in the palette the "
        "arrow keys choose the code. Each swatch is the digit decoded from a "
        "grid filled with its code. The decoder runs in your browser.</p>"
        '<p style="margin:0 0 0.5rem 0"><label>Start from '
        f'<select class="vx-from" disabled>{options}</select></label> '
        '<button type="button" class="vx-reset" disabled>Reset the grid'
        "</button></p>"
        f'<div style="{_STYLE}">'
        f'<div class="vx-grid" role="group" aria-label="The {rows}×{cols} grid '
        f'of codes" aria-describedby="{_ID}-help">{cells}</div>'
        '<div style="flex:1 1 7rem;min-width:7rem;max-width:16rem">'
        '<canvas class="vx-digit" role="img" '
        'aria-label="The digit decoded from the grid" width="28" height="28" '
        'style="width:min(140px,32vw);aspect-ratio:1;image-rendering:pixelated;'
        'border:1px solid #767676"></canvas>'
        '<p class="vx-readout" aria-live="polite" '
        'style="margin:0.5rem 0"></p></div></div>'
        '<fieldset class="vx-palette"><legend style="font-size:0.95em">'
        f"The codebook: {num_codes} codes. Painting with code "
        f'<span class="vx-chosen">{chosen}</span></legend>'
        f'<div class="vx-swatches">{swatches}</div></fieldset>'
    )
    data = {
        **page,
        "grids": _packed(codes.astype("uint8")),
        "labels": _packed(labels.astype("uint8")),
        "start": int(start),
        "chosen": chosen,
    }
    return _page("codes", body, data, model)
