"""MNIST from the file committed with the course, checked against known checksums.

MNIST is by Yann LeCun, Corinna Cortes and Christopher J.C. Burges, distributed under the
Creative Commons Attribution-Share Alike 3.0 licence.
"""

from __future__ import annotations

import hashlib
import math
import warnings
import zipfile
from pathlib import Path

import numpy as np

from .paths import DATA_DIR

MNIST_PATH = DATA_DIR / "mnist.npz"

#: sha256 of each array's bytes (C order), as ``data/README.md`` lists them.
MNIST_SHA256 = {
    "x_train": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "y_train": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}
MNIST_SHAPES = {
    "x_train": (60000, 28, 28),
    "y_train": (60000,),
    "x_test": (10000, 28, 28),
    "y_test": (10000,),
}
SHAPES = ("flat", "image")
#: The sets :func:`load_mnist_splits` returns, in order.
SPLITS = ("train", "validation", "test")

#: The last 10,000 of the 60,000 training images are the validation split: every recipe,
#: number of epochs and threshold is chosen on them, and the test set is kept for the
#: numbers the chapters report.
VALIDATION_SIZE = 10_000
#: The training split: the first 50,000 training images.
TRAINING_SIZE = MNIST_SHAPES["x_train"][0] - VALIDATION_SIZE


class MnistFileError(RuntimeError):
    """``data/mnist.npz`` exists but is not the MNIST the course expects."""


def _restore_hint(path: Path) -> str:
    return (
        f"Restore it with `git checkout -- data/mnist.npz` from the course repository "
        f"(or delete {path} to fall back to `keras.datasets.mnist.load_data()`, which needs a "
        f"network connection)."
    )


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = set(MNIST_SHA256) - set(npz.files)
            if missing:
                raise MnistFileError(
                    f"{path} lacks the arrays {sorted(missing)}. {_restore_hint(path)}"
                )
            return {name: npz[name] for name in MNIST_SHA256}
    except MnistFileError:
        raise
    except (
        OSError,
        ValueError,
        EOFError,
        zipfile.BadZipFile,
        KeyError,
    ) as err:
        raise MnistFileError(
            f"{path} is corrupt or truncated ({type(err).__name__}: {err}). {_restore_hint(path)}"
        ) from err


def verify_mnist(arrays: dict[str, np.ndarray], source: str) -> None:
    """Raise :class:`MnistFileError` unless every array has its known shape and checksum."""
    for name, expected in MNIST_SHA256.items():
        array = arrays[name]
        if array.shape != MNIST_SHAPES[name] or array.dtype != np.uint8:
            raise MnistFileError(
                f"{source}: {name} has shape {array.shape} and dtype {array.dtype}, expected "
                f"{MNIST_SHAPES[name]} uint8. {_restore_hint(MNIST_PATH)}"
            )
        # the array's own buffer: tobytes() would copy 47 MB for the training images
        digest = hashlib.sha256(
            memoryview(np.ascontiguousarray(array)).cast("B")
        ).hexdigest()
        if digest != expected:
            raise MnistFileError(
                f"{source}: {name} does not match its checksum (sha256 {digest[:12]}…, expected "
                f"{expected[:12]}…). {_restore_hint(MNIST_PATH)}"
            )


def _raw_mnist(path: Path | None = None) -> dict[str, np.ndarray]:
    path = MNIST_PATH if path is None else Path(path)
    if path.exists():
        arrays = _read_npz(path)
        source = str(path)
    else:
        import keras

        warnings.warn(
            f"{path} not found: downloading MNIST with keras.datasets.mnist.load_data() "
            f"(this needs a network connection).",
            stacklevel=3,
        )
        (x_train, y_train), (x_test, y_test) = (
            keras.datasets.mnist.load_data()
        )
        arrays = {
            "x_train": x_train,
            "y_train": y_train,
            "x_test": x_test,
            "y_test": y_test,
        }
        source = "keras.datasets.mnist"
    verify_mnist(arrays, source)
    return arrays


_SHAPE_OF = {"flat": (784,), "image": (28, 28, 1)}


def to_unit_interval(images) -> np.ndarray:
    """float32 pixels in [0, 1]: uint8 images (as stored, 0 to 255) are scaled, anything
    else is returned as float32 unchanged."""
    images = np.asarray(images)
    if images.dtype == np.uint8:
        return images.astype(np.float32) / np.float32(255.0)
    return images.astype(np.float32, copy=False)


def normalise(images: np.ndarray, shape: str = "flat") -> np.ndarray:
    """uint8 images (n, 28, 28) to float32 in [0, 1], flat (n, 784) or (n, 28, 28, 1)."""
    if shape not in SHAPES:
        raise ValueError(
            f"shape={shape!r} is not one of {SHAPES}: use 'flat' or 'image'."
        )
    x = images.astype("float32")
    x /= 255.0  # in place: one float32 copy of the images, not two
    return (
        x.reshape(len(x), 784)
        if shape == "flat"
        else x.reshape(len(x), 28, 28, 1)
    )


def load_mnist(
    shape: str = "flat",
    digits=None,
    path: Path | None = None,
    train: bool = True,
):
    """The standard MNIST split as ``(x_train, y_train), (x_test, y_test)``.

    Images are float32 in [0, 1]: ``shape="flat"`` gives rows of 784 pixels,
    ``shape="image"`` gives 28×28×1 images. ``digits`` (for example ``[1, 8]`` or
    ``range(9)``) keeps only those classes. Labels are uint8. ``train=False`` skips the
    60,000 training images (``x_train`` and ``y_train`` are then ``None``), which saves
    about 190 MB when only the test set is needed.
    """
    if shape not in SHAPES:
        raise ValueError(
            f"shape={shape!r} is not one of {SHAPES}: use 'flat' or 'image'."
        )
    raw = _raw_mnist(path)
    out = {"train": (None, None)}
    for part in ("train", "test") if train else ("test",):
        x, y = raw[f"x_{part}"], raw[f"y_{part}"]
        if digits is not None:
            keep = np.isin(y, list(digits))
            x, y = x[keep], y[keep]
        out[part] = (normalise(x, shape), y)
    return out["train"], out["test"]


def load_mnist_splits(
    shape: str = "flat",
    digits=None,
    path: Path | None = None,
    parts=SPLITS,
    first: int | dict[str, int] | None = None,
    as_stored: bool = False,
):
    """Training, validation and test sets: ``(x, y)`` pairs for the first 50,000 training
    images, the last :data:`VALIDATION_SIZE` training images and the 10,000 test images.

    The split is made before ``digits`` filters the classes, so every model, whatever its
    digits, validates on images of the same writers and never trains on them.

    ``parts`` names the sets to load, for example ``parts=("test",)``; the others are
    ``(None, None)``. The training images alone take 157 MB as float32, a sixth of
    Binder's 1 GB: a chapter that does not use a set should leave it out. ``first`` keeps
    only the first images of each set (after ``digits``), converted alone; a dict such as
    ``{"train": 10_000}`` cuts only the sets it names. ``as_stored=True`` keeps the pixels
    as stored, uint8 from 0 to 255 (a quarter of the memory), for code that scales a batch
    at a time with :func:`to_unit_interval`.
    """
    if shape not in SHAPES:
        raise ValueError(
            f"shape={shape!r} is not one of {SHAPES}: use 'flat' or 'image'."
        )
    unknown = set(parts) - set(SPLITS)
    if unknown:
        raise ValueError(
            f"parts={tuple(parts)!r}: {sorted(unknown)} is not a set; "
            f"name some of {SPLITS}."
        )
    firsts = (
        first if isinstance(first, dict) else dict.fromkeys(SPLITS, first)
    )
    unknown = set(firsts) - set(SPLITS)
    if unknown:
        raise ValueError(
            f"first={first!r}: {sorted(unknown)} is not a set; "
            f"name some of {SPLITS}."
        )
    raw = _raw_mnist(path)
    cut = len(raw["x_train"]) - VALIDATION_SIZE
    sets = {
        "train": (raw["x_train"][:cut], raw["y_train"][:cut]),
        "validation": (raw["x_train"][cut:], raw["y_train"][cut:]),
        "test": (raw["x_test"], raw["y_test"]),
    }
    out = []
    for name, (x, y) in sets.items():
        if name not in parts:
            out.append((None, None))
            continue
        if digits is not None:
            keep = np.isin(y, list(digits))
            x, y = x[keep], y[keep]
        n = firsts.get(name)
        if as_stored:
            images = x[:n].reshape((len(x[:n]),) + _SHAPE_OF[shape])
        else:
            images = normalise(x[:n], shape)
        out.append((images, y[:n]))
    return tuple(out)


def binarize(x: np.ndarray, seed: int) -> np.ndarray:
    """Binary images drawn from grey ones: each pixel is 1 with probability its grey level
    (a fixed draw for a given ``seed``), as float32."""
    rng = np.random.default_rng(seed)
    return (rng.random(x.shape, dtype=np.float32) < x).astype(np.float32)


def batches(x, y=None, batch_size: int = 32):
    """``x`` (and targets ``y``) for Keras' ``predict`` or ``evaluate``, one batch at a time:
    ``model.predict(batches(x))`` gives ``model.predict(x)``'s numbers bit for bit (the same
    batches in the same order). Given a whole NumPy array, Keras first copies it into a
    TensorFlow tensor and keeps about 60 MB more after returning, for 10,000 MNIST images;
    both count against Binder's 1 GB. Not for ``fit``, whose shuffling differs."""
    import keras

    class Batches(keras.utils.PyDataset):
        def __len__(self):
            return math.ceil(len(x) / batch_size)

        def __getitem__(self, index):
            rows = slice(index * batch_size, (index + 1) * batch_size)
            return (x[rows],) if y is None else (x[rows], y[rows])

    return Batches()
