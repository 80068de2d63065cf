"""Pack the live explorers' decoders for the browser: ``python -m tools.export_explorers``.

A maintainer tool, never imported by a chapter. For each model of :data:`EXPLORERS` it
reads the shipped ``weights/NAME.weights.h5``, quantises the decoder's weights (integers and
one step per slice, GPTQ-rounded for a last Dense layer with a sigmoid), checks the decoder
the page will run against Keras on fresh points, and writes ``weights/explorers/NAME.json``:
the packed decoder (the format ``vaecourse/explorer.js`` reads), the sha256 of the weights
file it came from, and the largest difference from Keras measured here. It refuses an
export that differs by more than :data:`CHECK`. The chapters' explorers
(``vaecourse.explorer``) only read these files, so the learner's kernel does no
quantisation (it took ~0.6 GB there); a file that no longer matches its weights stops the
chapter with a message naming this command. ``python -m tools.train_all`` runs it last.

    python -m tools.export_explorers                  # every explorer model
    python -m tools.export_explorers dense_vae_2d     # one
    python -m tools.export_explorers --out DIR        # elsewhere (the tests compare)

Chapter 10's VQ-VAE (``vq_vae``) has no latent plane: its decoder reads a 7×7 grid of
codebook vectors. Its file holds the packed decoder, the codebook (float32) and one
prototype per code (the digit decoded from a grid filled with that code, as bytes), and
the decoder is calibrated and checked on grids of codes: random codes everywhere, and the
test digits' grids with a quarter of their cells painted over.

The same weights give the same bytes (``tests/test_explorers.py`` checks it): the export
runs on one TensorFlow thread, with fixed seeds for its calibration points.
"""

from __future__ import annotations

import os

# Before TensorFlow and numpy load: one thread each (TensorFlow's pools, OpenBLAS), so the
# reference pixels and the rounding, and so the bytes written, do not depend on the cores.
os.environ["VAECOURSE_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

from vaecourse.explorer import (
    TOLERANCE,
    _box,
    _packed,
    _region,
    _shown,
    decoder_sha256,
    explorer_file,
)

_SUPPORTED = {"Dense", "Reshape", "Conv2DTranspose", "Conv2D"}

#: The models whose decoders the chapters' explorers run, and the square each explorer
#: can reach: ``limit`` gives ``[-limit, limit]`` in every dimension, ``None`` a square
#: around the model's test codes (chapter 1's autoencoder, whose plane has no fixed
#: scale). The decoder is checked over that square and −3 to 3 (``explorer._region``); a
#: chapter whose explorer reaches beyond it stops and names this table.
#: ``CODE_GRID`` marks a VQ-VAE, checked on grids of codes instead of a square.
CODE_GRID = "code grid"
EXPLORERS = {
    "autoencoder_2d": None,  # chapter 1
    "dense_vae_2d": 4.0,  # chapters 3 and 6
    "conv_vae_4d_1and8": 3.0,  # chapter 5's sliders
    "dense_cvae_2d": 4.0,  # chapter 9, one first-layer bias per class
    "vq_vae": CODE_GRID,  # chapter 10's code grid: decoder, codebook, prototypes
}


def _zigzag_planes(values) -> np.ndarray:
    """Signed integers (|v| ≤ 32767) as unsigned zigzag codes (0, −1, 1, −2, … → 0, 1, 2,
    3, …), all low bytes first, then all high bytes: small values of either sign give
    long runs of zero high bytes, which gzip packs well."""
    values = np.asarray(values, "int64")
    if np.abs(values).max(initial=0) > 32767:
        raise ValueError("explorer: a quantised weight does not fit 16 bits")
    codes = np.where(values >= 0, 2 * values, -2 * values - 1).astype("<u2")
    return codes.view(np.uint8).reshape(-1, 2).T.copy()


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


def export_decoder(
    decoder, region=None, first_biases=None, sample=None
) -> dict:
    """The decoder's layers as a spec and two packed blobs the page's script reads.

    ``kernels``: every kernel as integers (zigzag, gzip), in layer order; ``floats``: per
    kernel its steps (one per slice of the last axis: weight = integer × step), then its
    biases, as float32 (gzip). ``region``: the latent box the explorer can reach, a
    ``(low, high)`` per dimension (default −3 to 3 in each). ``first_biases``: for a
    conditional decoder folded into one per class (``conditional.class_decoder``), the
    first Dense layer's bias of each class, shape ``(classes, units)``: every class is
    calibrated and checked, and the page gets the biases as one more blob,
    ``class_biases`` (float32, gzip), to swap in when the reader picks a class.
    ``sample``: for a decoder whose inputs are not points of a box (a VQ-VAE's grid of
    codebook vectors), ``sample(n, seed)`` gives ``n`` inputs to calibrate (seed 0) and
    check (other seeds) on, instead of points of ``region``.

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
    input_shape = [int(s) for s in decoder.inputs[0].shape[1:]]
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
    if sample is None:
        points = _calibration_points(region, n_grid, n_random, seed=0)
    else:
        points = np.asarray(sample(n_random, 0), "float32")
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
                decoder, weights, region, 1 + attempt, biases, sample
            )
            if checked <= CHECK:
                break
            points = np.concatenate([points, missed])
            reference = reference_of(points)
        else:
            q, step = _uniform_steps(kernel, 16)
            weights = weights_of(chosen, [(q * step).astype("float32"), bias])
            checked, _ = _largest_difference(
                decoder, weights, region, 9, biases, sample
            )
        chosen.append((q, step))
    else:
        weights = weights_of(chosen)
        checked, _ = _largest_difference(
            decoder, weights, region, 1, biases, sample
        )

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
        where = (
            "on the sampled inputs" if sample else f"over the region {region}"
        )
        raise ValueError(
            f"explorer: the page's decoder would differ from Keras by {checked:.1e} "
            f"(more than {CHECK:g}) {where}; lower BUDGET in "
            "tools/export_explorers.py."
        )
    spec = {"latent_dim": int(np.prod(input_shape)), "layers": layers}
    if len(input_shape) > 1:
        # A grid (a VQ-VAE's codebook vectors), read flat in row-major order.
        spec["input_shape"] = input_shape
    out = {
        "spec": spec,
        "kernels": _packed(_zigzag_planes(np.concatenate(kernels))),
        "floats": _packed(np.concatenate(floats).astype("<f4")),
        "checked": float(checked),
    }
    if biases is not None:
        out["class_biases"] = _packed(biases.astype("<f4"))
    return out


def _largest_difference(
    decoder, weights, region, seed: int, biases=None, sample=None
):
    """The largest pixel difference between ``decoder`` and the same network with
    ``weights`` (the page's), on random points of ``region`` (or ``sample(n, seed)``)
    not used to choose them, and those of the points where it is above BUDGET; with
    ``biases``, over every class (the same number of points in all, shared out between
    the classes)."""
    conv = any("Conv" in type(layer).__name__ for layer in decoder.layers)
    n = 1000 if conv else 20000
    if biases is not None:
        n = max(n // len(biases), 500)
    if sample is None:
        points = _calibration_points(region, 0, n, seed)
    else:
        points = np.asarray(sample(n, seed), "float32")
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


def _shipped_model(name: str):
    """The zoo model ``name`` with its shipped weights (whatever the profile)."""
    from vaecourse import zoo
    from vaecourse.training import weights_path

    model = zoo.build(name)
    model.load_weights(weights_path(name))
    return model


def _test_codes(name: str, model):
    """The codes of the model's test digits, as the chapter computes them."""
    from vaecourse import zoo

    x_test, _ = zoo.test_data(name)
    codes = model.encoder.predict(x_test, verbose=0)
    return np.asarray(
        codes if not isinstance(codes, (list, tuple)) else codes[0]
    )


def painted_grids(test_grids, num_codes: int, n: int, seed: int):
    """``n`` grids of codes as a reader might paint them: half with a random code in
    every cell, half the test digits' grids (``test_grids``, (m, 7, 7)) with a quarter
    of their cells, at random, painted with random codes."""
    test_grids = np.asarray(test_grids)
    rng = np.random.default_rng(seed)
    half = n // 2
    noise = rng.integers(0, num_codes, (half, *test_grids.shape[1:]))
    picked = test_grids[rng.integers(0, len(test_grids), n - half)].copy()
    painted = rng.random(picked.shape) < 0.25
    picked[painted] = rng.integers(0, num_codes, int(painted.sum()))
    return np.concatenate([noise, picked]).astype("int64")


def filled_grids(num_codes: int, grid) -> np.ndarray:
    """One grid per code, every cell that code: shape (num_codes, *grid)."""
    return np.broadcast_to(
        np.arange(num_codes)[:, None, None], (num_codes, *grid)
    ).copy()


def export_code_decoder(decoder, codebook, test_grids) -> dict:
    """The packed decoder of a VQ-VAE (its input: a grid of codebook vectors), its
    ``codebook`` (float32) and ``prototypes``: for each code, the digit decoded (by
    Keras) from a grid filled with it, as bytes (255 = probability 1), shown in the
    explorer's palette. Calibrated on the filled grids, the test digits' grids
    ``test_grids`` and :func:`painted_grids`; checked on other painted grids."""
    codebook = np.asarray(codebook, "float32")
    test_grids = np.asarray(test_grids, "int64")
    num_codes, grid = len(codebook), test_grids.shape[1:]
    filled = filled_grids(num_codes, grid)

    def sample(n, seed):
        grids = painted_grids(test_grids, num_codes, n, seed)
        if seed == 0:
            grids = np.concatenate([filled, test_grids[: n // 4], grids])
        return codebook[grids]

    packed = export_decoder(decoder, sample=sample)
    prototypes = _run(decoder, codebook[filled]).reshape(num_codes, -1)
    packed["codebook"] = _packed(codebook.astype("<f4"))
    packed["prototypes"] = _packed(
        np.round(np.clip(prototypes, 0, 1) * 255).astype("uint8")
    )
    packed["spec"]["num_codes"] = num_codes
    packed["spec"]["code_dim"] = int(codebook.shape[1])
    return packed


def export(name: str) -> dict:
    """The packed decoder of the zoo model ``name`` with its shipped weights, and what it
    came from: the content of ``weights/explorers/NAME.json``."""
    if name not in EXPLORERS:
        raise SystemExit(
            f"export_explorers: no explorer runs {name!r}; the models are "
            f"{sorted(EXPLORERS)} (EXPLORERS in tools/export_explorers.py)."
        )
    model = _shipped_model(name)
    decoder = model.decoder
    if EXPLORERS[name] == CODE_GRID:
        # The page's codebook is part of what the page runs: in the hash too.
        codebook = model.quantizer.codebook
        packed = _export_code_grid(name, model)
        return _record(name, decoder, packed, None, [codebook])
    conditional = len(decoder.inputs) == 2
    dims = int(decoder.inputs[0].shape[-1])
    limit = EXPLORERS[name]
    if limit is None:
        box = _box(_test_codes(name, model), None)
    else:
        box = [-limit, limit] * dims
    region = _region(box, dims)
    if conditional:
        from vaecourse.conditional import class_decoder

        # A one-hot class only adds a row of the first Dense kernel to its bias: one
        # shared decoder, and each class's first-layer bias.
        n_classes = int(decoder.inputs[1].shape[-1])
        plain = [class_decoder(decoder, c) for c in range(n_classes)]
        biases = np.stack(
            [np.asarray(p.layers[1].get_weights()[1]) for p in plain]
        )
        packed = export_decoder(plain[0], region, first_biases=biases)
    else:
        packed = export_decoder(decoder, region)
    return _record(name, decoder, packed, region)


#: The test digits whose grids of codes calibrate and check a VQ-VAE's decoder.
N_TEST_GRIDS = 2000


def _export_code_grid(name: str, model) -> dict:
    from vaecourse import zoo

    x_test, _ = zoo.test_data(name)
    grids = np.asarray(model.encode(x_test[:N_TEST_GRIDS]))
    codebook = np.asarray(model.quantizer.codebook)
    return export_code_decoder(model.decoder, codebook, grids)


def _record(name: str, decoder, packed: dict, region, extra=()) -> dict:
    """What ``weights/explorers/NAME.json`` holds: ``packed`` and where it came from
    (``region``: the latent box checked over, or ``None`` for a code grid; ``extra``:
    weights the page runs besides the decoder's, hashed with them)."""
    from vaecourse.training import weights_path

    path = weights_path(name)
    where = (
        {"region": [[float(lo), float(hi)] for lo, hi in region]}
        if region is not None
        else {"inputs": "grids of codes (painted_grids)"}
    )
    return {
        "model": name,
        "weights": path.name,
        "weights_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "decoder_sha256": decoder_sha256(decoder, *extra),
        **where,
        "tolerance": TOLERANCE,
        "budget": BUDGET,
        "check": CHECK,
        "exported_by": "python -m tools.export_explorers",
        **packed,
    }


def write(data: dict, folder: Path) -> Path:
    """``data`` as ``folder/NAME.json``: sorted keys, so the same export gives the same
    bytes."""
    path = explorer_file(data["model"], folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "models", nargs="*", help=f"default: all of {sorted(EXPLORERS)}"
    )
    parser.add_argument(
        "--out", type=Path, help="write here instead of weights/explorers/"
    )
    args = parser.parse_args(argv)
    for name in args.models or EXPLORERS:
        start = time.perf_counter()
        path = write(export(name), args.out or explorer_file(name).parent)
        data = json.loads(path.read_text())
        print(
            f"{name}: {_shown(path)} ({path.stat().st_size / 1e3:.0f} kB), within "
            f"{data['checked']:.1e} of Keras (refused above {CHECK:g}), "
            f"{time.perf_counter() - start:.0f} s",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
