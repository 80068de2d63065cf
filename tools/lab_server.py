"""A JupyterLab server set up as Binder sets it up, for tests/test_binder.py and tools.lab_check.

Binder (repo2docker) installs binder/requirements.txt, runs binder/postBuild once from the
repository's root, and starts a Jupyter server whose user config is what postBuild wrote.
``binder_lab`` does the same on this machine: postBuild writes into a temporary
JUPYTER_CONFIG_DIR, and the server listens on 127.0.0.1 on a free port with a random token.
Binder has no jupytext, so its server and lab extensions are switched off here (this
environment has jupytext for the maintainers).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from vaecourse.paths import ROOT

POST_BUILD = ROOT / "binder" / "postBuild"
# Binder has none of these: a lab opened here must look like the learner's.
NOT_IN_BINDER = {
    "server": {"jupyterlab_jupytext": False},
    "lab": {"jupyterlab-jupytext": True},
}


@dataclass(frozen=True)
class LabServer:
    url: str
    token: str
    process: subprocess.Popen
    log: Path

    def get(self, path: str):
        """GET ``path`` of the server's REST API (``api/contents/chapters``), as JSON."""
        request = urllib.request.Request(
            f"{self.url}/{path.lstrip('/')}",
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def lab_url(self, path: str) -> str:
        return f"{self.url}/lab/tree/{path}?token={self.token}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_post_build(repository: Path, config_dir: Path) -> None:
    """Run binder/postBuild as repo2docker does: from the repository, once."""
    # repo2docker executes it by its #! line; this environment's Python is the server's.
    result = subprocess.run(
        [sys.executable, str(repository / POST_BUILD.relative_to(ROOT))],
        check=False,
        cwd=repository,
        env={**os.environ, "JUPYTER_CONFIG_DIR": str(config_dir)},
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise RuntimeError(
            f"binder/postBuild failed ({result.returncode}):\n{result.stderr}"
        )


def _switch_off_what_binder_lacks(config_dir: Path) -> None:
    server = config_dir / "jupyter_server_config.d" / "not_in_binder.json"
    server.parent.mkdir(parents=True, exist_ok=True)
    server.write_text(
        json.dumps(
            {"ServerApp": {"jpserver_extensions": NOT_IN_BINDER["server"]}}
        )
    )
    page_config = config_dir / "labconfig" / "page_config.json"
    page_config.parent.mkdir(parents=True, exist_ok=True)
    page_config.write_text(
        json.dumps({"disabledExtensions": NOT_IN_BINDER["lab"]})
    )


@contextlib.contextmanager
def binder_lab(
    root: Path = ROOT,
    repository: Path | None = None,
    timeout: float = 90,
    kernel_python: Path | None = None,
) -> Iterator[LabServer]:
    """A JupyterLab server on ``root``, configured by ``repository``'s binder/postBuild.

    ``window.jupyterapp`` is exposed to the browser, so a client can run JupyterLab's own
    commands (``notebook:run-all-cells``). Kernels get ``PYTHONPATH=root``, so they import
    the ``vaecourse`` of the repository they run in.
    """
    with tempfile.TemporaryDirectory(prefix="binder-lab-") as tmp:
        home = Path(tmp)
        config_dir = home / ".jupyter"
        run_post_build(repository or root, config_dir)
        _switch_off_what_binder_lacks(config_dir)
        if kernel_python is not None:
            # The notebooks' kernel (python3) run by another environment, e.g. one
            # with Binder's tensorflow-cpu: a kernelspec of the same name on
            # JUPYTER_PATH, searched before the environment's own.
            spec = home / "data" / "kernels" / "python3"
            spec.mkdir(parents=True)
            argv = [str(kernel_python), "-m", "ipykernel_launcher"]
            (spec / "kernel.json").write_text(
                json.dumps(
                    {
                        "argv": [*argv, "-f", "{connection_file}"],
                        "display_name": "Python 3 (ipykernel)",
                        "language": "python",
                    }
                )
            )
        # A check must not write the committed notebooks: no autosave of what it ran.
        docmanager = (
            home / "lab-settings" / "@jupyterlab" / "docmanager-extension"
        )
        docmanager.mkdir(parents=True)
        (docmanager / "plugin.jupyterlab-settings").write_text(
            '{"autosave": false}'
        )
        port, token = free_port(), secrets.token_hex(16)
        env = {
            **os.environ,
            "HOME": str(home),
            "JUPYTER_CONFIG_DIR": str(config_dir),
            "JUPYTER_PATH": os.pathsep.join(
                [
                    str(home / "data"),
                    *filter(None, [os.environ.get("JUPYTER_PATH")]),
                ]
            ),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(home / "lab-settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / "lab-workspaces"),
            "PYTHONPATH": os.pathsep.join(
                [str(root), *filter(None, [os.environ.get("PYTHONPATH")])]
            ),
        }
        log = home / "server.log"
        command = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            # Binder runs the server as an ordinary user; some machines run this as root.
            "--allow-root",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--LabApp.expose_app_in_browser=True",
            *(
                f"--ServerApp.jpserver_extensions={name}={enabled}"
                for name, enabled in NOT_IN_BINDER["server"].items()
            ),
            # No internet here: no news feed, no update check.
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        with log.open("w") as log_file:
            process = subprocess.Popen(
                command,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                cwd=home,
            )
        server = LabServer(f"http://127.0.0.1:{port}", token, process, log)
        try:
            _wait_until_up(server, timeout)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(server: LabServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"JupyterLab exited ({server.process.returncode}) at start-up:\n"
                + server.log.read_text()[-3000:]
            )
        try:
            server.get("api/status")
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    raise TimeoutError(
        f"JupyterLab did not answer within {timeout:.0f} s:\n"
        + server.log.read_text()[-3000:]
    )
