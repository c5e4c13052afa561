"""Load benchmark of the web API: answers/s and latency percentiles from a second process.

Starts ``python -m medbrief.web`` (the same code as ``medbrief serve``) as a subprocess on a free
loopback port, on a fresh store holding the demo pack (or on ``--home``), then drives it from this
process over keep-alive HTTP/1.1 connections with a minimal asyncio client (so the client costs
little CPU next to the server on a 2-core machine). Phases, each bounded by a request count and a
time limit, so the run always stops by itself:

* ``repeated`` — ``POST /api/ask`` with questions already asked (served from the answer cache);
* ``distinct`` — ``POST /api/ask`` with questions never asked before (each one computed);
* ``page``     — ``GET /answers/{id}``, the HTML answer page of answers already made.

Every response must be 200 with a body; anything else counts as an error and makes the exit status
1. Usage::

    .venv/bin/python bench/web_load.py                # demo store, default sizes
    .venv/bin/python bench/web_load.py --json out.json --repeated 5000 --distinct 600
    .venv/bin/python bench/web_load.py --home ~/.local/share/medbrief   # an existing store
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

AUDIENCES = ("patient", "caregiver", "nurse", "pharmacist", "physician")
REPEATED = (
    "What is the role of baclofen in managing back pain?",
    "What type of pain is baclofen used to treat?",
    "What is the maximum dose of Flexeril?",
    "Is gabapentin safe in kidney disease?",
)
DRUGS = ("baclofen", "cyclobenzaprine", "carisoprodol", "gabapentin", "pregabalin", "tramadol",
         "duloxetine", "naproxen", "ibuprofen", "celecoxib", "meloxicam", "diazepam",
         "acetaminophen", "Flexeril", "Lyrica", "Neurontin", "Cymbalta", "Soma")
TEMPLATES = (
    "What is the maximum dose of {d}?",
    "What are the common side effects of {d}?",
    "Which drugs interact with {d}?",
    "How should {d} be stopped safely?",
    "Is {d} safe in pregnancy?",
    "What is {d} used for?",
    "What is the role of {d} in managing back pain?",
    "Can {d} be used for neuropathic pain?",
    "Is {d} safe in kidney disease?",
    "Is {d} safe for older adults?",
)


@dataclass
class Phase:
    name: str
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    answers_per_s: float = 0.0
    p50_ms: float = 0.0
    p90_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    error_samples: list[str] = field(default_factory=list)


def distinct_questions() -> list[tuple[str, str]]:
    combos = [(t.format(d=d), a) for t in TEMPLATES for d in DRUGS for a in AUDIENCES]
    # spread drugs and templates evenly whatever the count requested
    return [combos[(i * 7919) % len(combos)] for i in range(len(combos))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Conn:
    """One keep-alive HTTP/1.1 connection; responses must carry Content-Length."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                f"Accept: application/json\r\nContent-Length: {len(body)}\r\n")
        if body:
            head += "Content-Type: application/json\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("server closed the connection")
        status = int(status_line.split()[1])
        length = 0
        close = False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and value.strip().lower() == "close":
                close = True
        data = await self.reader.readexactly(length)
        if close:
            await self.close()
        return status, data

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def run_phase(name: str, host: str, port: int, jobs: list[tuple[str, str, bytes]],
                    concurrency: int, limit_s: float) -> Phase:
    latencies: list[float] = []
    phase = Phase(name)
    queue = iter(jobs)
    deadline = time.perf_counter() + limit_s

    async def worker() -> None:
        conn = Conn(host, port)
        try:
            for method, path, body in queue:
                if time.perf_counter() > deadline:
                    break
                t0 = time.perf_counter()
                try:
                    status, data = await conn.request(method, path, body)
                    ok = status == 200 and len(data) > 0
                    detail = f"{status} {data[:160]!r}"
                except (OSError, ValueError, asyncio.IncompleteReadError) as exc:
                    ok, detail = False, f"{type(exc).__name__}: {exc}"
                    await conn.close()
                latencies.append(time.perf_counter() - t0)
                if not ok:
                    phase.errors += 1
                    if len(phase.error_samples) < 5:
                        phase.error_samples.append(f"{method} {path}: {detail}")
        finally:
            await conn.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    phase.seconds = round(time.perf_counter() - start, 3)
    phase.requests = len(latencies)
    if latencies:
        ms = sorted(x * 1000 for x in latencies)
        q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
        phase.answers_per_s = round(phase.requests / phase.seconds, 1)
        phase.p50_ms, phase.p90_ms, phase.p99_ms = (round(q[i], 2) for i in (49, 89, 98))
        phase.max_ms = round(ms[-1], 2)
    return phase


def ask_job(question: str, audience: str) -> tuple[str, str, bytes]:
    return "POST", "/api/ask", json.dumps({"question": question, "audience": audience}).encode()


def wait_ready(proc: subprocess.Popen[bytes], base: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited early with status {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer on {base} within {timeout:.0f} s")


def start_server(home: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, MEDBRIEF_HOME=str(home))
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "medbrief.web", "--host", "127.0.0.1", "--port", str(port),
             "--ensure-data"],
            env=env, stdout=out, stderr=subprocess.STDOUT)


async def bench(args: argparse.Namespace, port: int) -> list[Phase]:
    host = "127.0.0.1"
    warm = [ask_job(q, a) for q in REPEATED for a in AUDIENCES]
    warmed = await run_phase("warm-up", host, port, warm, 1, 120)
    if warmed.errors:
        return [warmed]
    conn = Conn(host, port)
    ids = []
    for _, _, body in warm:
        _, data = await conn.request("POST", "/api/ask", body)
        ids.append(json.loads(data)["id"])
    await conn.close()
    repeated = list(itertools.islice(itertools.cycle(warm), args.repeated))
    distinct = [ask_job(q, a) for q, a in distinct_questions()[:args.distinct]]
    pages = [("GET", f"/answers/{i}", b"") for i in
             itertools.islice(itertools.cycle(ids), args.pages)]
    return [
        await run_phase("repeated", host, port, repeated, args.concurrency, args.seconds),
        await run_phase("distinct", host, port, distinct, args.concurrency, args.seconds),
        await run_phase("page", host, port, pages, args.concurrency, args.seconds),
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, help="use this MEDBRIEF_HOME (default: a fresh demo store)")
    ap.add_argument("--repeated", type=int, default=4000, help="requests in the repeated phase")
    ap.add_argument("--distinct", type=int, default=600,
                    help=f"requests in the distinct phase (at most {len(distinct_questions())})")
    ap.add_argument("--pages", type=int, default=2000, help="requests in the page phase")
    ap.add_argument("--concurrency", type=int, default=8, help="keep-alive connections")
    ap.add_argument("--seconds", type=float, default=60.0, help="time limit of each phase")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="medbrief-web-load-") as tmp:
        home = args.home or Path(tmp) / "home"
        port = free_port()
        log = Path(tmp) / "server.log"
        proc = start_server(home, port, log)
        try:
            wait_ready(proc, f"http://127.0.0.1:{port}")
            phases = asyncio.run(bench(args, port))
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        server_log = log.read_text(errors="replace")

    print(f"{'phase':<10} {'requests':>8} {'errors':>6} {'answers/s':>10} {'p50 ms':>8} "
          f"{'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for p in phases:
        print(f"{p.name:<10} {p.requests:>8} {p.errors:>6} {p.answers_per_s:>10} {p.p50_ms:>8} "
              f"{p.p90_ms:>8} {p.p99_ms:>8} {p.max_ms:>8}")
        for sample in p.error_samples:
            print(f"  error: {sample}")
    result = {"concurrency": args.concurrency, "cpus": os.cpu_count(),
              "phases": [asdict(p) for p in phases]}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    errors = sum(p.errors for p in phases)
    if errors:
        print(f"{errors} errors; server log:\n{server_log[-3000:]}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
