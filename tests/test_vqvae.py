"""Chapter 10's VQ-VAE and code prior (vaecourse.vqvae) at tiny scale: the
distances and nearest codes, the moving-average codebook and its restarts, the
training step's gradients and metrics, the PixelCNN's causality, its
log-probabilities and samples, and the batched helpers."""

import keras
import numpy as np
import pytest
from keras import ops, optimizers

from vaecourse import vqvae
from vaecourse.losses import bernoulli_nll

GRID = vqvae.GRID


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _quantizer(num_codes, code_dim, **kw):
    quantizer = vqvae.VectorQuantizer(num_codes, code_dim, **kw)
    quantizer.build()
    return quantizer


def _brute_force(vectors, codebook):
    """‖v − e‖² with an (n, K, D) array, the way the module avoids."""
    return np.sum((vectors[:, None, :] - codebook[None, :, :]) ** 2, axis=-1)


def _log_softmax(logits):
    logits = np.asarray(logits, np.float64)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _prior(num_codes=6, **kw):
    return vqvae.build_code_prior(
        num_codes,
        filters=8,
        residual_blocks=kw.pop("residual_blocks", 2),
        **kw,
    )


def _constant_prior(logits):
    """A prior with the same ``logits`` at every cell, whatever the codes."""
    prior = _prior(len(logits))
    last = prior.get_layer("code_logits")
    kernel, bias = last.get_weights()
    last.set_weights([np.zeros_like(kernel), np.asarray(logits, bias.dtype)])
    return prior


def _images(n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(size=(n, 28, 28, 1)).astype("float32")


# distances, nearest codes, lookup ----------------------------------------


def test_squared_distances_equal_the_brute_force_and_codes_its_argmin():
    rng = np.random.default_rng(0)
    vectors, codebook = rng.normal(size=(30, 5)), rng.normal(size=(7, 5))
    distances = _np(vqvae.squared_distances(vectors, codebook))
    assert distances.dtype == np.float64 and distances.shape == (30, 7)
    assert np.allclose(distances, _brute_force(vectors, codebook), atol=1e-10)

    quantizer = _quantizer(7, 5, ema=False)
    quantizer.codebook.assign(codebook.astype("float32"))
    grid = rng.normal(size=(2, 3, 5, 5)).astype("float32")  # (..., D)
    codes = _np(quantizer.codes(grid))
    assert codes.shape == (2, 3, 5)
    expected = np.argmin(_brute_force(grid.reshape(-1, 5), codebook), axis=1)
    assert np.array_equal(codes.reshape(-1), expected)
    # lookup gives the codebook rows, and call gives both
    assert np.array_equal(
        _np(quantizer.lookup(codes)), codebook.astype("float32")[codes]
    )
    quantised, called = quantizer(grid)
    assert np.array_equal(_np(called), codes)
    assert np.array_equal(_np(quantised), codebook.astype("float32")[codes])


# the moving-average codebook --------------------------------------------


def test_ema_update_follows_the_laplace_smoothed_moving_averages():
    K, D, decay, eps = 4, 3, 0.8, 0.1
    quantizer = _quantizer(
        K, D, ema=True, restart=False, decay=decay, epsilon=eps
    )
    rng = np.random.default_rng(1)
    # earlier batches: codes 0 to 2 used before, code 3 never
    usage0 = np.array([2.0, 1.0, 3.0, 0.0], "float32")
    sums0 = rng.normal(size=(K, D)).astype("float32")
    sums0[3] = 0.0
    quantizer.usage.assign(usage0)
    quantizer.code_sums.assign(sums0)
    # this batch: codes 0 and 1 only
    vectors = rng.normal(size=(5, D)).astype("float32")
    codes = np.array([0, 0, 1, 0, 1])
    quantizer.update(vectors, codes)

    one_hot = np.eye(K)[codes]
    usage = decay * usage0 + (1 - decay) * one_hot.sum(axis=0)
    sums = decay * sums0 + (1 - decay) * one_hot.T @ vectors
    total = usage.sum()
    smoothed = (usage + eps) / (total + K * eps) * total
    expected = sums / smoothed[:, None]
    assert np.allclose(_np(quantizer.usage), usage, atol=1e-6)
    assert np.allclose(_np(quantizer.code_sums), sums, atol=1e-6)
    assert np.allclose(_np(quantizer.codebook), expected, atol=1e-5)
    # the smoothing is visible at this ε: the plain means are another answer
    assert not np.allclose(
        expected[:3], sums[:3] / usage[:3, None], atol=1e-3
    )
    # unused now but used before: its decayed sums over its smoothed use
    assert np.allclose(_np(quantizer.codebook)[2], expected[2], atol=1e-5)
    # never used: zero sums over a small positive count, the zero vector
    assert np.array_equal(_np(quantizer.codebook)[3], np.zeros(D))


def test_update_is_a_no_op_without_moving_averages():
    quantizer = _quantizer(4, 3, ema=False)
    before = _np(quantizer.codebook).copy()
    vectors = np.random.default_rng(2).normal(size=(6, 3)).astype("float32")
    quantizer.update(vectors, quantizer.codes(vectors))
    assert np.array_equal(_np(quantizer.codebook), before)
    assert not hasattr(quantizer, "usage")


def _restarted(seed, vectors, codes):
    quantizer = _quantizer(
        4, 2, ema=True, restart=True, decay=0.5, dead_below=1.0, seed=seed
    )
    quantizer.update(vectors, codes)
    return quantizer


def test_dead_codes_restart_on_batch_vectors_and_used_codes_do_not():
    vectors = np.random.default_rng(3).normal(size=(8, 2)).astype("float32")
    # use after one step with decay 0.5: [3, 1, 0, 0]; dead below 1
    codes = np.array([0, 0, 0, 1, 0, 0, 1, 0])
    quantizer = _restarted(0, vectors, codes)
    codebook = _np(quantizer.codebook)

    usage = np.array([3.0, 1.0, 0.0, 0.0])
    sums = 0.5 * np.eye(4)[codes].T @ vectors
    smoothed = (usage + 1e-5) / (usage.sum() + 4e-5) * usage.sum()
    for k in (0, 1):  # used enough: the moving average, not a batch vector
        assert np.allclose(codebook[k], sums[k] / smoothed[k], atol=1e-5)
        assert not np.isclose(vectors, codebook[k], atol=1e-6).all(1).any()
    for k in (2, 3):  # dead: onto a vector of the batch, counted once
        assert np.isclose(vectors, codebook[k], atol=0).all(axis=1).any()
        assert np.array_equal(_np(quantizer.code_sums)[k], codebook[k])
    assert np.allclose(_np(quantizer.usage), [3.0, 1.0, 1.0, 1.0])

    # the same seed, the same restarts; some other seed picks other vectors
    again = _np(_restarted(0, vectors, codes).codebook)
    assert np.array_equal(again, codebook)
    others = [_np(_restarted(s, vectors, codes).codebook) for s in (1, 2, 3)]
    assert any(not np.array_equal(o[2:], codebook[2:]) for o in others)


# the training step ------------------------------------------------------


def _compiled(**kw):
    vq = vqvae.build_vq_vae(num_codes=8, code_dim=4, **kw)
    vq.compile(optimizer=optimizers.Adam(1e-3))
    return vq


def _values(weights):
    return [_np(w).copy() for w in weights]


def test_decoder_gradient_reaches_the_encoder_through_the_quantiser():
    # β = 0: no commitment loss, so the encoder learns only if the decoder's
    # gradient skips the (non-differentiable) lookup
    vq = _compiled(beta=0.0, ema=True, restart=False)
    x = _images(4)
    encoder_before = _values(vq.encoder.trainable_weights)
    decoder_before = _values(vq.decoder.trainable_weights)
    vq.train_on_batch(x)
    for before, after in zip(encoder_before, vq.encoder.trainable_weights):
        assert not np.allclose(before, _np(after)), after.path
    for before, after in zip(decoder_before, vq.decoder.trainable_weights):
        assert not np.allclose(before, _np(after)), after.path


def test_moving_average_codebook_moves_only_through_update():
    vq = _compiled(ema=True, restart=False)
    codebook = vq.quantizer.codebook
    assert all(w is not codebook for w in vq.trainable_weights)
    assert any(w is codebook for w in vq.non_trainable_weights)

    x = _images(4)
    twin = _quantizer(8, 4, ema=True, restart=False)
    for mine, theirs in zip(twin.weights, vq.quantizer.weights):
        mine.assign(theirs)
    z_e = vq.encoder(x)  # what the step quantises, before its update
    twin.update(z_e, twin.codes(z_e))
    before = _np(codebook).copy()
    vq.train_on_batch(x)
    assert not np.allclose(_np(codebook), before)
    assert np.allclose(_np(codebook), _np(twin.codebook), atol=1e-6)


def test_codebook_without_moving_averages_is_trained_by_its_loss():
    vq = _compiled(ema=False)
    codebook = vq.quantizer.codebook
    assert any(w is codebook for w in vq.trainable_weights)
    before = _np(codebook).copy()
    used = np.unique(_np(vq.encode(_images(4))))
    vq.train_on_batch(_images(4))
    after = _np(codebook)
    # the codes the batch used move towards its vectors; the others have no
    # gradient, and Adam leaves a weight with zero gradient where it is
    assert not np.allclose(after[used], before[used])
    unused = np.setdiff1d(np.arange(8), used)
    assert np.array_equal(after[unused], before[unused])


@pytest.mark.parametrize("ema", [True, False])
def test_tracked_loss_is_reconstruction_plus_beta_commitment(ema):
    vq = _compiled(beta=0.7, ema=ema)
    x = _images(6, seed=4)
    reconstruction, commitment, codebook, _, codes = vq.loss_terms(x)
    reconstruction, commitment = _np(reconstruction), _np(commitment)
    assert commitment.shape == (6,) and (commitment > 0).all()
    # the two squared distances are the same number; only their gradients
    # differ
    assert np.allclose(_np(codebook), commitment)
    vq.reset_metrics()
    metrics = {k: float(v) for k, v in vq.test_step(x).items()}
    expected = np.mean(reconstruction + 0.7 * commitment)
    assert np.isclose(metrics["loss"], expected, rtol=1e-5)
    assert np.isclose(
        metrics["reconstruction"], reconstruction.mean(), rtol=1e-5
    )
    assert np.isclose(metrics["commitment"], commitment.mean(), rtol=1e-5)
    assert np.isclose(
        metrics["perplexity"], float(vqvae.perplexity(codes, 8)), rtol=1e-5
    )


# the PixelCNN prior -----------------------------------------------------


def _raster_influence(prior, num_codes, seed=0):
    """changed[p, q]: whether changing the code at cell p changes the logits
    at cell q (cells in raster order), on a random grid."""
    rng = np.random.default_rng(seed)
    base = rng.integers(0, num_codes, size=(GRID, GRID))
    grids = np.repeat(base[None], GRID * GRID + 1, axis=0)
    for p in range(GRID * GRID):
        r, c = divmod(p, GRID)
        grids[p + 1, r, c] = (base[r, c] + 1) % num_codes
    logits = _np(prior(grids.astype("int32")))
    change = np.abs(logits[1:] - logits[:1]).max(axis=-1)
    return change.reshape(GRID * GRID, GRID * GRID) > 1e-6


WIDE = {"first_kernel": (5, 13), "kernel": (3, 13)}


@pytest.mark.parametrize("kernels", [{}, WIDE], ids=["3x3", "wide"])
def test_a_code_changes_the_logits_only_of_later_cells(kernels):
    keras.utils.set_random_seed(0)
    # 32 filters and two grids: a path the ReLUs happen to close on one grid
    # is open on the other (with 8 filters, 1 initialisation in 5 closes one)
    prior = vqvae.build_code_prior(
        6, filters=32, residual_blocks=4, **kernels
    )
    changed = _raster_influence(prior, 6, seed=0)
    changed |= _raster_influence(prior, 6, seed=1)
    cells = np.arange(GRID * GRID)
    later = cells[None, :] > cells[:, None]
    assert not changed[~later].any(), np.argwhere(changed & ~later)[:5]
    # and it does reach later cells: the next one along the row, the one below
    for p in cells:
        r, c = divmod(p, GRID)
        if c + 1 < GRID:
            assert changed[p, p + 1], (r, c)
        if r + 1 < GRID:
            assert changed[p, p + GRID], (r, c)
    if kernels:
        # wide enough to see whole rows above: no blind spot, every later
        # cell depends on every earlier one
        assert changed[later].all(), np.argwhere(~changed & later)[:5]
    else:
        # 3×3 kernels cannot see the far end of the row above
        assert not changed[later].all()


@pytest.mark.parametrize("kernels", [{}, WIDE], ids=["3x3", "wide"])
def test_prior_on_the_first_rows_gives_the_full_grid_logits(kernels):
    prior = _prior(6, **kernels)
    assert tuple(prior.inputs[0].shape) == (None, None, GRID)
    codes = np.random.default_rng(5).integers(0, 6, size=(3, GRID, GRID))
    full = _np(prior(codes.astype("int32")))
    assert full.shape == (3, GRID, GRID, 6)
    for rows in range(1, GRID):
        part = _np(prior(codes[:, :rows].astype("int32")))
        assert part.shape == (3, rows, GRID, 6)
        assert np.allclose(part, full[:, :rows], atol=1e-5), rows


def test_masked_conv_hides_the_centre_only_for_mask_a():
    x = np.zeros((1, 5, 5, 1), "float32")
    x[0, 2, 2, 0] = 1.0
    for mask_type, sees_itself in (("A", False), ("B", True)):
        conv = vqvae.MaskedConv2D(mask_type, 1, 3)
        conv.build(x.shape)
        conv.kernel.assign(np.ones((3, 3, 1, 1), "float32"))
        assert np.array_equal(_np(conv.bias), [0.0])
        out = _np(conv(x))[0, :, :, 0]
        # the one pixel reaches itself (B only), the cell after it in its
        # row and the three cells of the row below: nothing before it
        expected = np.zeros((5, 5))
        expected[2, 2] = sees_itself
        expected[2, 3] = 1.0
        expected[3, 1:4] = 1.0
        assert np.array_equal(out, expected), mask_type
    with pytest.raises(ValueError, match="mask_type"):
        vqvae.MaskedConv2D("C", 1, 3)


def test_log_prior_sums_the_log_softmax_of_each_cells_code():
    K = 6
    prior = _prior(K)
    codes = np.random.default_rng(6).integers(0, K, size=(5, GRID, GRID))
    log_p = _log_softmax(_np(prior(codes.astype("int32"))))
    picked = np.take_along_axis(log_p, codes[..., None], axis=-1)
    expected = picked.sum(axis=(1, 2, 3))
    result = vqvae.log_prior(prior, codes, batch_size=2)
    assert result.shape == (5,) and result.dtype == np.float64
    assert np.allclose(result, expected, atol=1e-4)
    # a prior with equal logits everywhere is the uniform one
    flat = _constant_prior(np.zeros(K))
    assert np.allclose(
        vqvae.log_prior(flat, codes), vqvae.uniform_log_prior(K), atol=1e-4
    )


def test_uniform_log_prior_is_minus_49_log_k():
    for K in (2, 8, 64):
        assert np.isclose(vqvae.uniform_log_prior(K), -49 * np.log(K))


def test_first_samples_do_not_depend_on_how_many_are_drawn():
    K = 6
    prior = _prior(K)
    many = vqvae.sample_codes(prior, 5, seed=3, batch_size=2)
    assert many.shape == (5, GRID, GRID) and many.dtype == np.int32
    assert ((many >= 0) & (many < K)).all()
    few = vqvae.sample_codes(prior, 3, seed=3)  # one batch of 3
    assert np.array_equal(many[:3], few)
    assert not np.array_equal(vqvae.sample_codes(prior, 3, seed=4), few)


def test_samples_follow_the_priors_probabilities():
    # one code far more likely than the rest: always that code
    logits = np.zeros(8)
    logits[5] = 50.0
    assert (vqvae.sample_codes(_constant_prior(logits), 3, seed=0) == 5).all()
    # a softmax of [0.6, 0.3, 0.1]: drawn in those shares (49 × 40 draws)
    p = np.array([0.6, 0.3, 0.1])
    codes = vqvae.sample_codes(_constant_prior(np.log(p)), 40, seed=1)
    shares = np.bincount(codes.reshape(-1), minlength=3) / codes.size
    assert np.allclose(shares, p, atol=0.04), shares


# the batched helpers and perplexity -------------------------------------


def test_codes_and_reconstruction_of_stored_and_scaled_images_agree():
    vq = vqvae.build_vq_vae(num_codes=8, code_dim=4)
    stored = (
        np.random.default_rng(7)
        .integers(0, 256, size=(5, 28, 28, 1))
        .astype(np.uint8)
    )
    x = stored.astype("float32") / 255.0
    codes, nats = vqvae.codes_and_reconstruction(vq, stored, batch_size=2)
    assert codes.shape == (5, GRID, GRID) and codes.dtype == np.int32
    assert nats.shape == (5,) and nats.dtype == np.float64
    scaled_codes, scaled_nats = vqvae.codes_and_reconstruction(vq, x)
    assert np.array_equal(codes, scaled_codes)
    assert np.allclose(nats, scaled_nats, rtol=1e-6)
    grid = vq.encode(x)
    assert np.array_equal(codes, _np(grid))
    expected = _np(bernoulli_nll(x, vq.decode(grid)))
    assert np.allclose(nats, expected, rtol=1e-5)
    # decode_codes is vq.decode a batch at a time
    decoded = vqvae.decode_codes(vq, codes, batch_size=2)
    assert decoded.shape == (5, 28, 28, 1)
    assert np.allclose(decoded, _np(vq.decode(codes)), atol=1e-6)


def test_perplexity_counts_the_codes_in_equal_use():
    K = 8
    assert np.isclose(float(vqvae.perplexity(np.arange(K).repeat(3), K)), K)
    assert np.isclose(float(vqvae.perplexity(np.zeros((4, 7, 7), int), K)), 1)
    half = np.array([[0, 3], [3, 0]])  # two codes, equally: 2
    assert np.isclose(float(vqvae.perplexity(half, K)), 2, rtol=1e-6)
