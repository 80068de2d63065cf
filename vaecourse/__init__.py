"""Plumbing for the autoencoder and VAE course: data, execution profiles, the models,
train-or-load, evaluation and figures. The lessons are in the chapters; this package holds
what they share, so that no chapter copies another."""

import os

# Quieter TensorFlow start-up: these must be set before TensorFlow is imported.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
# TensorFlow's oneDNN build keeps large tensors in a pool of its own (a BFC allocator) that
# grows and never shrinks: after ops on 10,000 images the kernel holds ~150 MB more for
# good (Binder gives it 1 GB). With malloc they go back; the same kernels compute the same
# numbers.
os.environ.setdefault("TF_ONEDNN_USE_SYSTEM_ALLOCATOR", "1")


def _give_freed_arrays_back():
    """Have glibc's malloc return a freed array of 4 MiB or more to the system at once.

    By default malloc raises that threshold to the size of each large block freed, up to
    32 MiB, and keeps smaller blocks for reuse: after a few 10,000-image arrays (31 MB each)
    come and go, the kernel holds on to tens of MB it no longer uses, out of Binder's 1 GB.
    (TensorFlow's own data pipeline sets a threshold of malloc the same way.)
    """
    import ctypes

    m_mmap_threshold = -3  # glibc's malloc.h
    # not glibc (macOS, Windows): nothing to set
    try:
        ctypes.CDLL(None).mallopt(m_mmap_threshold, 4 << 20)
    except (OSError, AttributeError):
        pass


_give_freed_arrays_back()


def _trim_after_each_cell():
    """In a notebook, hand the memory freed by a cell back to the system when it ends.

    Small blocks that TensorFlow's threads free stay in glibc's per-thread arenas, and a
    kernel's resident memory creeps up cell by cell (tens of MB after a model trains or
    scores 10,000 images); ``malloc_trim`` releases the free pages (a few ms per cell).
    """
    import ctypes

    try:
        from IPython import get_ipython

        shell = get_ipython()
        trim = ctypes.CDLL(None).malloc_trim
    except (ImportError, OSError, AttributeError):  # no IPython, or not glibc
        return
    if shell is not None and not getattr(shell, "_vaecourse_trims", False):
        shell.events.register("post_run_cell", lambda result: trim(0))
        shell._vaecourse_trims = True


_trim_after_each_cell()


def _import_tensorflow_quietly():
    """Import TensorFlow with the C++ start-up chatter (CUDA probing, absl notices) silenced.

    Those lines go straight to file descriptor 2, past Python, and would land in every page.
    Python exceptions are unaffected: only the descriptor is redirected, and only meanwhile.
    """
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


_import_tensorflow_quietly()

#: TensorFlow's thread pools are sized from the cores it sees, and the size decides how a sum
#: is split into partial sums. Fixing it makes one core and two print the same numbers.
THREADS_ENV = "VAECOURSE_THREADS"


def _fix_thread_pools():
    import tensorflow as tf

    threads = int(os.environ.get(THREADS_ENV, "2"))
    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    except (
        RuntimeError
    ):  # TensorFlow already ran an op in this process: too late, keep going
        pass


_fix_thread_pools()

from .data import batches, load_mnist, load_mnist_splits  # noqa: E402
from .exercises import check, todo  # noqa: E402
from .profiles import current_profile, seed_everything  # noqa: E402
from .results import glue  # noqa: E402
from .models import summary  # noqa: E402
from .training import EpochLogger, train_or_load  # noqa: E402

__all__ = [
    "batches",
    "load_mnist",
    "load_mnist_splits",
    "check",
    "todo",
    "current_profile",
    "seed_everything",
    "EpochLogger",
    "train_or_load",
    "glue",
]
