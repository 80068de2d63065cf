"""Train-or-load: use the weights shipped in ``weights/`` unless asked to retrain.

Weights are saved with Keras (``NAME.weights.h5``, HDF5, no pickle) and the training
history beside them as JSON (``NAME.history.json``), so that a chapter which loads a
model can still show its loss curves. A learner's own training run is saved in
``my_weights/`` (git-ignored); only ``python -m tools.train_all`` writes ``weights/``.
"""

from __future__ import annotations

import json
import math
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import keras

from .paths import MY_WEIGHTS_DIR, RESULTS_DIR, ROOT, WEIGHTS_DIR  # noqa: F401 (RESULTS_DIR: ch. 4)
from .profiles import Profile, current_profile, retrain_requested


class EpochLogger(keras.callbacks.Callback):
    """One short line every ``every`` epochs (and at the last), instead of progress bars.

    Use with ``fit(..., verbose=0, callbacks=[EpochLogger()])``: a rendered page then holds a
    handful of lines, and a live notebook still shows how training goes.
    """

    def __init__(self, every: int | None = None):
        super().__init__()
        self.every = every

    def on_train_begin(self, logs=None):
        self.epochs = self.params.get("epochs", 1)
        if self.every is None:
            self.every = max(1, self.epochs // 10)
        self._start = time.perf_counter()
        self.seconds_per_epoch = None

    def on_epoch_end(self, epoch, logs=None):
        n = epoch + 1
        if n % self.every == 0 or n == self.epochs or n == 1:
            shown = ", ".join(f"{k} {v:.2f}" for k, v in (logs or {}).items())
            elapsed = time.perf_counter() - self._start
            print(
                f"epoch {n:>3}/{self.epochs}  {shown}  ({elapsed:.0f} s)",
                flush=True,
            )

    def on_train_end(self, logs=None):
        self.seconds_per_epoch = (time.perf_counter() - self._start) / max(
            1, self.epochs
        )


def cosine_decay(
    learning_rate: float, epochs: int, final_fraction: float = 0.01
):
    """A callback that lowers the learning rate along a half cosine, epoch by epoch.

    Epoch 0 uses ``learning_rate``; the last epoch ends near ``final_fraction`` of it.
    Large steps early move fast; small steps late let the weights settle into a minimum.
    """
    if epochs < 1 or learning_rate <= 0:
        raise ValueError(
            f"cosine_decay needs epochs >= 1 and a positive learning rate, got "
            f"epochs={epochs}, learning_rate={learning_rate}."
        )

    def rate(epoch, _current=None):
        progress = min(epoch / epochs, 1.0)
        return learning_rate * (
            final_fraction
            + (1 - final_fraction) * 0.5 * (1 + math.cos(math.pi * progress))
        )

    return keras.callbacks.LearningRateScheduler(rate)


def _drop_optimizer_state(path: Path) -> None:
    """Rewrite a ``.weights.h5`` file without the optimizer's state (two thirds of an Adam
    file): readers load the weights to use the model, not to resume its training."""
    import h5py

    with h5py.File(path, "r") as src:
        if "optimizer" not in src:
            return
    tmp = path.with_name(path.name + ".tmp")
    with h5py.File(path, "r") as src, h5py.File(tmp, "w") as dst:
        for key, value in src.attrs.items():
            dst.attrs[key] = value
        for key in src:
            if key != "optimizer":
                src.copy(src[key], dst, name=key)
    tmp.replace(path)


@dataclass
class TrainingRun:
    """What :func:`train_or_load` did: where the weights came from, and the history."""

    name: str
    source: str  # "loaded" or "trained"
    history: dict = field(default_factory=dict)
    seconds_per_epoch: float | None = None
    path: Path | None = None

    @property
    def epochs(self) -> int:
        return len(next(iter(self.history.values()), []))

    def describe(self) -> str:
        """What happened, in lines that fit the page (at most 78 characters)."""
        if self.source == "loaded":
            return (
                f"Loaded '{self.name}' from weights/{self.path.name}\n"
                f"({self.epochs} epochs of training, shipped with the course).\n"
                f"RETRAIN = True (or VAECOURSE_RETRAIN=1) trains it anew."
            )
        where = ""
        if self.path:
            try:
                shown = self.path.relative_to(ROOT)
            except ValueError:
                shown = self.path
            where = f"\nSaved to {shown}"
            if self.path.parent == MY_WEIGHTS_DIR:
                where += "\n(yours: the shipped weights/ are untouched)"
        return f"Trained '{self.name}' for {self.epochs} epochs here.{where}"

    def __repr__(
        self,
    ) -> str:  # what a notebook shows when the run is the last expression
        return self.describe()


def weights_path(name: str, weights_dir: Path | None = None) -> Path:
    return Path(weights_dir or WEIGHTS_DIR) / f"{name}.weights.h5"


def history_path(name: str, weights_dir: Path | None = None) -> Path:
    return Path(weights_dir or WEIGHTS_DIR) / f"{name}.history.json"


def read_history(name: str, folder: Path | None = None) -> dict:
    """The per-epoch history saved with the training run ``name``: ``NAME.history.json`` in
    ``weights/``, or in ``folder`` (``RESULTS_DIR`` for runs whose weights are not shipped)."""
    path = history_path(name, folder)
    if not path.exists():
        raise FileNotFoundError(
            f"no training history {path.name} in {path.parent}: it is written by train_or_load "
            f"(or `python -m tools.train_all`) when the model {name!r} is trained."
        )
    return json.loads(path.read_text())["history"]


def _as_history(result) -> dict:
    history = getattr(result, "history", result)
    if not isinstance(history, dict):
        raise TypeError(
            "train(model) must return what model.fit returns (a History) or a dict of "
            f"per-epoch lists, not {type(result).__name__}."
        )
    return {k: [float(v) for v in values] for k, values in history.items()}


def train_or_load(
    model: keras.Model,
    name: str,
    train,
    *,
    retrain: bool = False,
    profile: Profile | None = None,
    weights_dir: Path | None = None,
    save_dir: Path | None = None,
    load_in_quick: bool = False,
) -> TrainingRun:
    """Load ``weights/NAME.weights.h5`` into ``model``, or train it with ``train(model)``.

    * reader profile: load when the file exists and neither ``retrain`` nor
      ``VAECOURSE_RETRAIN=1`` asks for training; otherwise train, and save the weights and
      history in ``save_dir`` (by default ``my_weights/``, never the shipped ``weights/``).
    * quick profile: train (tiny), save nothing; with ``load_in_quick`` (a model a chapter
      only uses, from the zoo) load the shipped weights when they exist, as the reader
      profile does: the tests then spend their time on the chapter, not on retraining it.

    ``train`` receives the model and returns the ``History`` of ``model.fit`` (or a dict).
    """
    profile = profile or current_profile()
    wpath, hpath = (
        weights_path(name, weights_dir),
        history_path(name, weights_dir),
    )
    if (
        (not profile.quick or load_in_quick)
        and wpath.exists()
        and not (retrain or retrain_requested())
    ):
        try:
            with warnings.catch_warnings():
                # The file also holds the optimizer's state, which a reader does not need.
                warnings.filterwarnings(
                    "ignore",
                    message="Skipping variable loading for optimizer",
                )
                model.load_weights(wpath)
        except (ValueError, OSError) as err:
            raise RuntimeError(
                f"weights/{wpath.name} does not fit the model '{model.name}' ({err}). The model "
                f"definition changed since the weights were trained: retrain with RETRAIN = True "
                f"or `python -m tools.train_all`."
            ) from err
        meta = json.loads(hpath.read_text()) if hpath.exists() else {}
        return TrainingRun(
            name,
            "loaded",
            meta.get("history", {}),
            meta.get("seconds_per_epoch"),
            wpath,
        )

    start = time.perf_counter()
    history = _as_history(train(model))
    epochs = max(1, len(next(iter(history.values()), [])))
    seconds_per_epoch = (time.perf_counter() - start) / epochs
    if profile.quick:
        return TrainingRun(name, "trained", history, seconds_per_epoch, None)
    save_dir = Path(save_dir or MY_WEIGHTS_DIR)
    wpath, hpath = weights_path(name, save_dir), history_path(name, save_dir)
    wpath.parent.mkdir(parents=True, exist_ok=True)
    model.save_weights(wpath)
    _drop_optimizer_state(wpath)
    meta = {
        "model": name,
        "profile": profile.name,
        "keras": keras.__version__,
        "seconds_per_epoch": seconds_per_epoch,
        "history": history,
    }
    hpath.write_text(json.dumps(meta, indent=1) + "\n")
    return TrainingRun(name, "trained", history, seconds_per_epoch, wpath)
