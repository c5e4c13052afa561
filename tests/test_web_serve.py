"""``medbrief serve`` as a real process: it starts on a loopback port, answers over real HTTP, stops
cleanly on Ctrl+C, and a port already in use is a one-line error, not a traceback."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from medbrief.web.cli import serve

SEED = "What is the role of baclofen in managing back pain?"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_port_in_use_is_one_line(home: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(serve, ["--port", str(port)])
    assert result.exit_code == 2
    assert result.output.strip() == (f"error: port {port} on 127.0.0.1 is already in use; stop "
                                     "the other server or choose another port with --port")
    bad = CliRunner().invoke(serve, ["--port", "70000"])
    assert bad.exit_code == 2 and "70000" in bad.output and "Traceback" not in bad.output


def test_serve_answers_over_http_and_stops_cleanly(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDBRIEF_")}
    env["MEDBRIEF_HOME"] = str(tmp_path / "home")
    proc = subprocess.Popen(
        [sys.executable, "-m", "medbrief.web", "--port", str(port), "--ensure-data"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.communicate()[0]
            try:
                with urllib.request.urlopen(base + "/", timeout=2) as resp:
                    assert resp.status == 200
                    assert "default-src 'self'" in resp.headers["content-security-policy"]
                    break
            except urllib.error.URLError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        body = json.dumps({"question": SEED, "audience": "patient"}).encode()
        req = urllib.request.Request(base + "/api/ask", data=body,
                                     headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            answer = json.loads(resp.read())
        assert answer["question"] == SEED and answer["references"]
        try:
            urllib.request.urlopen(base + "/api/answers/0000000000000000", timeout=10)
        except urllib.error.HTTPError as err:
            assert err.code == 404
            assert json.loads(err.read())["error"]["code"] == "not_found"
    finally:
        proc.send_signal(signal.SIGINT)
        out = proc.communicate(timeout=20)[0]
    assert proc.returncode == 0, out
    assert "demo evidence pack" in out and f"serving http://127.0.0.1:{port}/" in out
    assert "Traceback" not in out
