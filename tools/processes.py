"""A subprocess with a time limit that holds, for tests that start builds and kernels."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile


def run_bounded(
    command, timeout: float, **kwargs
) -> subprocess.CompletedProcess:
    """``subprocess.run(command, capture_output=True, text=True, timeout=timeout)``,
    except that the limit also holds for what the command starts.

    ``subprocess.run`` kills only the command on a timeout, then waits for its output
    pipes to close: a kernel or a server the command started keeps them open and the
    wait never ends. Here the command runs in a session of its own, writes to files, and
    the whole session is killed on a timeout (raising ``TimeoutExpired`` with the output
    so far) and once the command is done (nothing it started outlives it).
    """
    with (
        tempfile.TemporaryFile("w+") as out,
        tempfile.TemporaryFile("w+") as err,
    ):
        process = subprocess.Popen(
            command,
            stdout=out,
            stderr=err,
            text=True,
            start_new_session=True,
            **kwargs,
        )
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_session(process)
            out.seek(0), err.seek(0)
            raise subprocess.TimeoutExpired(
                command, timeout, output=out.read(), stderr=err.read()
            ) from None
        _kill_session(process)
        out.seek(0), err.seek(0)
        return subprocess.CompletedProcess(
            command, process.returncode, out.read(), err.read()
        )


def _kill_session(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
