"""gunicorn.conf.py: each worker listens on a socket of its own (reuse_port), a second server
on the same address is refused rather than let share it without a word, and a worker leaves
the application it loaded out of garbage collection."""

from __future__ import annotations

import gc
import re
import runpy
import shutil
import subprocess

import pytest
import requests

from .support import ROOT, Gunicorn

# Real gunicorn servers with 4 workers each: one such test at a time (pytest-xdist), not side by side.
pytestmark = pytest.mark.xdist_group("gunicorn")


def listening_pids(port: int) -> list[int]:
    """The processes with a socket listening on the port, one entry a socket, as `ss` shows them."""
    shown = subprocess.run(["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True, check=True).stdout
    return sorted(int(pid) for pid in re.findall(r"pid=(\d+)", shown))


@pytest.mark.skipif(not shutil.which("ss"), reason="needs ss (iproute2)")
def test_each_worker_listens_and_a_second_server_on_the_address_is_refused(served, redis_client, tmp_path):
    _backend, url, _link = served
    with Gunicorn(url, tmp_path / "first.log") as first:
        assert listening_pids(first.port) == sorted(first.workers())  # four sockets, one a worker
        assert first.process.pid not in listening_pids(first.port)

        second = Gunicorn(url, tmp_path / "second.log")
        second.port, second.env["GUNICORN_BIND"] = first.port, f"127.0.0.1:{first.port}"
        with pytest.raises(RuntimeError, match="exited with 1"):
            second.start(timeout=120)
        assert f"cannot listen at 127.0.0.1:{first.port}: Address already in use" in second.log()
        assert listening_pids(first.port) == sorted(first.workers())
        assert requests.get(first.base_url + "/healthz", timeout=5).status_code == 200


def test_a_worker_leaves_what_it_loaded_out_of_garbage_collection():
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert gc.get_freeze_count() == 0
    try:
        settings["post_worker_init"](None)
        assert gc.get_freeze_count() > 1000  # the modules and the application, loaded by now
    finally:
        gc.unfreeze()
