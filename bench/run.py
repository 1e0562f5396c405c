"""`make bench`: speed and memory of modelrisk, measured in one run, printed as a table.

Not a test: it prints medians and ratios next to each goal (issues 7 and 10), beside the figure
the previous README table recorded, and says whether the goal is met. What it measures:

- the scoring engine (`engine.score`, the lean result) on an 80-applicable-item assessment, in
  process, and over 1,000 generated bodies; joining a lean result with its content snapshot
  (`engine.explain`); the stored size of the sample support-bot result and of the 201;
- the PDF report of that assessment, rendered every time (`report.render`, timed by
  bench/pdf.py's `timed`), and served again from the report cache (`report.cached_pdf_for`);
- `flask --app wsgi assess` over a folder of 1,000 generated inputs (a subprocess), printing
  text and then writing --out files;
- portfolio impact over 10,000 stored assessments, every one scored again (bench/portfolio.py);
- the assessment form for Llama 3.1 8B as an HR policy assistant in Germany (bench/form.py):
  its page weight (bytes, controls, height at 1440 px), the questions shown and those answered
  from a source, and the Tab presses to "Submit for review", in a headless Chromium;
- a gunicorn server it starts on 127.0.0.1 (a socket it binds to port 0 and hands to gunicorn,
  2 workers, temporary database, a fresh API key): `POST /api/v1/assessments` and `GET /livez`
  in alternating rounds at 16 connections, then the workers' resident memory after 1,000
  submissions and after 1,000 PDF reports; then the deployment gate, `POST /api/v1/gate`, at 16
  connections (bench/gate.py).

Load comes from wrk when it is installed, else from a Python client (threads, one keep-alive
http.client connection each, a fixed request count and a time cap). Every request goes to
127.0.0.1. Whatever the script started is stopped on exit, error or Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import http.client
import io
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from form import measure as measure_form  # noqa: E402
from gate import bench_gate  # noqa: E402
from pdf import timed  # noqa: E402
from portfolio import bench_portfolio  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from render_samples import FULL_DEPLOYMENT, ROOT, content, full_body, stored  # noqa: E402

from service import engine  # noqa: E402
from service.application import assessments  # noqa: E402
from service.engine import lineage, scoring  # noqa: E402
from service.report import build as build_report  # noqa: E402
from service.report import cached_pdf_for, pdf_for, render  # noqa: E402

HOST = "127.0.0.1"  # the only host this script talks to
WORKERS = 2
CONNECTIONS = 16
GOALS = {
    "engine_us": 100,
    "ratio": 0.30,
    "p99_ms": 50,
    "pdf_ms": 100,
    "pdf_typical_ms": 60,  # issue 13: the support-bot sample, at most 8 pages
    "pdf_typical_pages": 8,
    "pdf_unknown_ms": 150,  # issue 13: every item applicable and unknown, under 30 pages
    "pdf_unknown_pages": 30,
    "report_p99_ms": 1000,  # issue 13: distinct downloads from 16 clients, 2 workers
    "batch_per_s": 2000,
    "rss_mb": 150,
    "stored_kib": 16,
    "created_kib": 16,
}
SUPPORT_BOT = ROOT / "tests" / "data" / "inputs" / "llama-support-bot.json"
ALL_UNKNOWN = ROOT / "tests" / "data" / "inputs" / "all-unknown.json"
# The figures of the table README recorded before the lean result (make bench, same machine).
PREVIOUS = {
    "scoring engine, µs per assessment": "274 µs",
    "scoring engine over varied bodies, µs": "326 µs",
    "validate + score (evaluate), µs": "628 µs",
    "PDF report, ms per full report": "178 ms",
    "PDF report again (served from the cache), ms": "1.3 ms",
    "batch assess, printing text, assessments/s": "1961/s",
    "batch assess --out (JSON files), assessments/s": "469/s",
    "GET /livez, req/s at 16 connections": "3725 req/s",
    "POST /api/v1/assessments, req/s at 16 connections": "176 req/s",
    "POST /api/v1/assessments, p99 at 16 connections": "119.1 ms",
    "ratio POST / livez (req/s)": "0.05",
    "worker RSS after the POSTs": "57 MB",
    "GET report.pdf (distinct assessments)": "10.2 req/s",
    "worker RSS after 1,000 more reports": "106 MB",
    "stored result of the support-bot sample": "118 KiB",
    "201 of POST /api/v1/assessments (80-item sample)": "128 KiB",
    # The form before issue 14 (bench/form.py on that code, same machine).
    "form: HTML bytes (HR case)": "398,512 B",
    "form: controls a person can reach": "803",
    "form: page height at 1440 px": "45,490 px",
    "form: Tab presses to Submit": "260",
    "form: questions shown": "96",
    "form: questions answered from a source": "14 (9 that apply)",
}


# ---------------------------------------------------------------------------------------------
# Results table


@dataclass
class Row:
    name: str
    value: str
    detail: str = ""
    goal: str = ""
    met: bool | None = None  # None: informational, no goal
    before: str = ""  # the previous table's figure


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)

    def add(self, *args, before: str | None = None, **kwargs) -> None:
        row = Row(*args, **kwargs)
        row.before = PREVIOUS.get(row.name, "") if before is None else before
        self.rows.append(row)
        print(f"  {row.name}: {row.value} {row.detail}".rstrip(), flush=True)

    def render(self) -> str:
        head = ("measure", "before", "now (median)", "detail", "goal", "met")
        cells = [
            (
                r.name,
                r.before,
                r.value,
                r.detail,
                r.goal,
                "" if r.met is None else ("yes" if r.met else "NO"),
            )
            for r in self.rows
        ]
        widths = [max(len(c[i]) for c in [head, *cells]) for i in range(len(head))]
        line = "| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |"
        rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
        body = [
            "| " + " | ".join(c.ljust(w) for c, w in zip(cell, widths, strict=True)) + " |"
            for cell in cells
        ]
        return "\n".join([line, rule, *body])


def machine() -> str:
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores, {platform.machine()}, Python "
        f"{platform.python_version()}, load average {load}; reference loop {reference_ms():.0f} ms"
    )


def reference_ms(runs: int = 5) -> float:
    """The best of `runs` of a fixed pure-Python loop (10 million additions), in ms: how fast
    this machine runs Python, so that tables taken on different machines can be compared.
    Goals are not scaled by it."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.perf_counter() - started)
    return best * 1000


# ---------------------------------------------------------------------------------------------
# In-process measurements: engine, validation, PDF


def per_call_us(fn, calls: int, batches: int) -> tuple[list[float], list[float]]:
    """Microseconds per call of fn, wall-clock and CPU: one figure each per batch of calls."""
    wall, cpu = [], []
    for _ in range(batches):
        start, start_cpu = time.perf_counter(), time.process_time()
        for _ in range(calls):
            fn()
        wall.append((time.perf_counter() - start) / calls * 1e6)
        cpu.append((time.process_time() - start_cpu) / calls * 1e6)
    return wall, cpu


def bench_engine(table: Table, c, inputs: Path, args) -> dict:
    body = full_body(c)
    clean = assessments.validate(c, body)
    policy = c.policies[clean["policy"]]
    result = scoring.score(clean, c, policy)
    applicable = len(result["findings"])
    for _ in range(300):  # warm-up: plans compiled, caches and branch paths hot
        scoring.score(clean, c, policy)
    timings, cpu = per_call_us(
        lambda: scoring.score(clean, c, policy), args.engine_calls, args.engine_batches
    )
    median = statistics.median(timings)
    table.add(
        "scoring engine, µs per assessment",
        f"{median:.0f} µs",
        f"{applicable} of {len(c.items)} items apply; min {min(timings):.0f}; CPU "
        f"{statistics.median(cpu):.0f}",
        f"<= {GOALS['engine_us']} µs",
        median <= GOALS["engine_us"],
    )
    # The same engine over many different bodies: no body stays in the CPU caches.
    varied = [
        assessments.validate(c, json.loads(p.read_text(encoding="utf-8")))
        for p in sorted(inputs.glob("*.json"))
    ]
    bodies = [(b, c.policies[b["policy"]]) for b in varied]
    for b, p in bodies:
        scoring.score(b, c, p)
    rounds = []
    for _ in range(5):
        start = time.perf_counter()
        for b, p in bodies:
            scoring.score(b, c, p)
        rounds.append((time.perf_counter() - start) / len(bodies) * 1e6)
    applicable = statistics.mean(len(scoring.score(b, c, p)["findings"]) for b, p in bodies)
    table.add(
        "scoring engine over varied bodies, µs",
        f"{statistics.median(rounds):.0f} µs",
        f"{len(bodies)} generated bodies (the batch inputs), {applicable:.0f} items "
        "apply on average",
    )
    scored, cpu = per_call_us(
        lambda: assessments.score(c, body), max(1, args.engine_calls // 10), args.engine_batches
    )
    table.add(
        "validate + score (a POST's work), µs",
        f"{statistics.median(scored):.0f} µs",
        "validation, lean result, canonical input (80-item body); CPU "
        f"{statistics.median(cpu):.0f}",
        before="628 µs",
    )
    lean, snapshot = assessments.score(c, body).result, engine.snapshot(c)
    joined, _ = per_call_us(
        lambda: engine.explain(lean, snapshot), args.engine_calls, args.engine_batches
    )
    table.add(
        "explain a lean result (the join of GET), µs",
        f"{statistics.median(joined):.0f} µs",
        "what GET, the web page, the report and the batch add to read a stored result",
    )
    sizes(table, c, body)
    return body


def sizes(table: Table, c, body: dict) -> None:
    """The stored size of the sample support-bot result (the 201's size comes from the server)."""
    support_bot = json.loads(SUPPORT_BOT.read_text(encoding="utf-8"))
    stored = json.dumps(
        engine.pack(assessments.score(c, support_bot).result), separators=(",", ":")
    )
    kib = len(stored.encode()) / 1024
    table.add(
        "stored result of the support-bot sample",
        f"{kib:.1f} KiB",
        "result_json as stored (format 2, findings as rows); the content it cites is stored "
        "once per content hash",
        f"<= {GOALS['stored_kib']} KiB",
        kib <= GOALS["stored_kib"],
    )


def bench_pdf(table: Table, c, args) -> None:
    record = stored(c, full_body(c), "bench-full")
    items = len(record["result"]["findings"])
    pdf = pdf_for(record)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    # The render itself, every time (never a cached copy): report model -> reportlab -> bytes.
    times = timed(lambda: render(build_report(record)), args.pdf_runs)
    cpu = timed(lambda: render(build_report(record)), args.pdf_runs // 2 or 1, time.process_time)
    median = statistics.median(times)
    table.add(
        "PDF report, ms per full report",
        f"{median:.0f} ms",
        f"{items} findings, {pages} pages, {len(pdf) // 1024} KiB; min {min(times):.0f}; "
        f"CPU {statistics.median(cpu):.0f}",
        f"<= {GOALS['pdf_ms']} ms",
        median <= GOALS["pdf_ms"],
    )
    for name, path, key in (
        ("the support-bot sample (typical)", SUPPORT_BOT, "pdf_typical"),
        ("every item applicable and unknown", ALL_UNKNOWN, "pdf_unknown"),
    ):
        _bench_sample(table, c, args, name, path, key)
    cached = timed(lambda: cached_pdf_for(record), args.pdf_runs)
    table.add(
        "PDF report again (served from the cache), ms",
        f"{statistics.median(cached):.1f} ms",
        "what report.pdf costs for a report rendered before: model, hash, lookup",
    )


def _bench_sample(table: Table, c, args, name: str, path: Path, key: str) -> None:
    """Render time and page count of one of tests/data/inputs, against issue 13's goals."""
    record = stored(c, json.loads(path.read_text(encoding="utf-8")), f"bench-{path.stem}")
    pdf = pdf_for(record)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    times = timed(lambda: render(build_report(record)), args.pdf_runs)
    median = statistics.median(times)
    goal_ms, goal_pages = GOALS[f"{key}_ms"], GOALS[f"{key}_pages"]
    fits = pages <= goal_pages if key == "pdf_typical" else pages < goal_pages
    table.add(
        f"PDF report, {name}, ms",
        f"{median:.0f} ms",
        f"{len(record['result']['findings'])} findings, {pages} pages, {len(pdf) // 1024} KiB; "
        f"min {min(times):.0f}",
        f"<= {goal_ms} ms, {'<=' if key == 'pdf_typical' else '<'} {goal_pages} pages",
        median <= goal_ms and fits,
    )


# ---------------------------------------------------------------------------------------------
# Batch: flask --app wsgi assess over a folder of generated inputs


def bench_form(table: Table) -> None:
    """The form's weight as a person meets it (bench/form.py): one page load, counted."""
    found = measure_form()
    table.add("form: HTML bytes (HR case)", f"{found['bytes']:,} B", "one draft opened")
    table.add("form: controls a person can reach", f"{found['controls']:,}")
    table.add("form: page height at 1440 px", f"{found['height']:,} px")
    table.add("form: Tab presses to Submit", str(found["tabs"]), "from the top of the page")
    table.add("form: questions shown", str(found["questions"]), goal="<= 80")
    table.rows[-1].met = found["questions"] <= 80
    table.add("form: questions answered from a source", str(found["sourced"]), goal=">= 20")
    table.rows[-1].met = found["sourced"] >= 20


def generate_inputs(c, folder: Path, count: int, seed: int = 7) -> None:
    """`count` valid assessment bodies: catalogue models, varied deployments, random answers."""
    rng = random.Random(seed)
    models = sorted(c.models)
    context = c.context.fields
    varied = [n for n, f in context.items() if f.type == "enum" and n in FULL_DEPLOYMENT]
    folder.mkdir(parents=True)
    for n in range(count):
        deployment = dict(FULL_DEPLOYMENT)
        for name in rng.sample(varied, k=min(3, len(varied))):
            deployment[name] = rng.choice(context[name].options).value
        body = {
            "title": f"Batch assessment {n:04d}",
            "requester": {
                "name": "Batch Runner",
                "email": "batch@example.com",
                "organisation": "Example Corp",
            },
            "model": {"id": rng.choice(models)},
            "deployment": deployment,
            "policy": "default",
        }
        model = lineage.resolve_model(c, body["model"])
        derived = lineage.derive_answers(c, model, deployment, lineage.lineage(c, model))
        answers = {}
        for item in c.items.values():
            if item.id in derived or rng.random() < 0.05:
                continue
            answer = {"value": rng.choice(item.options).value if rng.random() < 0.9 else "unknown"}
            if rng.random() < 0.2:
                answer["note"] = f"Checked with the platform team for {item.id}."
            answers[item.id] = answer
        body["answers"] = answers
        assessments.validate(c, body)  # every generated input is valid
        (folder / f"input-{n:04d}.json").write_text(json.dumps(body), encoding="utf-8")


def flask_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "wsgi", *args]


SUMMARY = re.compile(
    r"Assessed (\d+) inputs \((\d+) refused\) in ([\d.]+) s: (\d+) per second "
    r"with (\d+) process"
)


def bench_batch(table: Table, inputs: Path, tmp: Path, env: dict, args) -> None:
    """`assess` over generated inputs: results printed (text), then written (--out JSON).

    The rate is the command's own (its summary line: from the first input read to the last
    result out, process pool included); the wall clock adds Flask's start-up and content load.
    The first run of each kind shows its progress bar; the others are timed from their summary.
    """
    for label, extra, goal in (
        ("batch assess, printing text", [], True),
        ("batch assess --out (JSON files)", ["--out"], False),
    ):
        rates, walls, jobs = [], [], 0
        for i in range(args.batch_runs + 1):
            argv = ["assess", str(inputs), *([*extra, str(tmp / f"out-{i}")] if extra else [])]
            start = time.perf_counter()
            done = subprocess.run(
                flask_cmd(*argv),
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
                text=True,
                stderr=None if i == 0 else subprocess.PIPE,
            )
            walls.append(time.perf_counter() - start)
            if i == 0:
                continue
            found = SUMMARY.search(done.stderr or "")
            if not found or int(found.group(1)) != args.batch or int(found.group(2)):
                raise RuntimeError(f"assess did not score every input: {done.stderr[-300:]}")
            rates.append(args.batch / float(found.group(3)))
            jobs = int(found.group(5))
        if extra:
            written = len(list((tmp / "out-1").glob("*.result.json")))
            if written != args.batch:
                raise RuntimeError(f"assess wrote {written} results for {args.batch} inputs")
        rate, wall = statistics.median(rates), statistics.median(walls)
        table.add(
            f"{label}, assessments/s",
            f"{rate:.0f}/s",
            f"{args.batch} inputs, {jobs} processes; {wall:.2f} s wall with start-up "
            f"({args.batch / wall:.0f}/s)",
            f">= {GOALS['batch_per_s']}/s" if goal else "",
            rate >= GOALS["batch_per_s"] if goal else None,
        )


# ---------------------------------------------------------------------------------------------
# The server and its load


class Server:
    """gunicorn on 127.0.0.1, served as gunicorn.conf.py says with WORKERS workers; stopped
    (with its group) on close.

    It listens on a socket bound here to port 0 and handed over (`fd://`), so no other process
    can take the port between choosing it and listening on it.
    """

    def __init__(self, env: dict):
        listener = socket.socket()
        listener.bind((HOST, 0))
        listener.listen(128)
        self.port = port = listener.getsockname()[1]
        try:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--config",
                    str(ROOT / "gunicorn.conf.py"),
                    "--workers",
                    str(WORKERS),
                    "--bind",
                    f"fd://{listener.fileno()}",
                    "--log-level",
                    "warning",
                    "wsgi:app",
                ],
                cwd=ROOT,
                env=env,
                start_new_session=True,
                pass_fds=(listener.fileno(),),
            )
        finally:
            listener.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}")
            with contextlib.suppress(OSError):
                if request(port, "GET", "/livez")[0] == 200 and len(self.workers()) == WORKERS:
                    return
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /livez within 60 s")

    def workers(self) -> list[int]:
        pid = self.proc.pid
        try:
            return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return [
                int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _ppid(p) == pid
            ]

    def rss_mb(self) -> list[float]:
        """VmRSS of each worker, in MB (10^6 bytes)."""
        out = []
        for pid in self.workers():
            status = Path(f"/proc/{pid}/status").read_text()
            kb = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))
            out.append(kb * 1024 / 1e6)
        return sorted(out)

    def close(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)


def _ppid(proc_dir: Path) -> int | None:
    try:
        return int(proc_dir.joinpath("stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def request(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None
) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@dataclass
class Load:
    """One load run: how many requests, how long, latencies (s), responses outside 2xx."""

    done: int
    seconds: float
    latencies: list[float]
    non_2xx: int
    errors: int
    client: str

    @property
    def rps(self) -> float:
        return self.done / self.seconds

    def pct(self, q: float) -> float | None:
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def python_load(
    port: int,
    method: str,
    paths,
    body: bytes | None,
    headers: dict,
    total: int,
    cap_s: float,
    connections: int = CONNECTIONS,
) -> Load:
    """`total` requests from `connections` threads, each with one keep-alive connection.

    `paths` is one path, or a list with one path per request. Stops at `total` or after cap_s.
    """
    paths = [paths] * total if isinstance(paths, str) else list(paths)
    lock = threading.Lock()
    state = {"next": 0, "non_2xx": 0, "errors": 0}
    latencies: list[float] = []
    deadline = time.monotonic() + cap_s

    def worker():
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        mine = []
        try:
            while time.monotonic() < deadline:
                with lock:
                    n = state["next"]
                    if n >= total:
                        break
                    state["next"] = n + 1
                start = time.perf_counter()
                try:
                    conn.request(method, paths[n], body=body, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException):
                    conn.close()
                    with lock:
                        state["errors"] += 1
                    continue
                mine.append(time.perf_counter() - start)
                if not 200 <= status < 300:
                    with lock:
                        state["non_2xx"] += 1
        finally:
            conn.close()
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    return Load(len(latencies), seconds, latencies, state["non_2xx"], state["errors"], "python")


_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def wrk_load(
    wrk: str,
    port: int,
    method: str,
    path: str,
    body_file: Path | None,
    headers: dict,
    seconds: float,
    tmp: Path,
) -> Load:
    """wrk for `seconds` at CONNECTIONS connections (2 threads); latencies are p50 and p99."""
    script = tmp / f"wrk-{method.lower()}.lua"
    lines = [f'wrk.method = "{method}"']
    lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    if body_file:
        lines += [f'local f = io.open("{body_file}", "rb")', 'wrk.body = f:read("*a")', "f:close()"]
    script.write_text("\n".join(lines) + "\n")
    done = subprocess.run(
        [
            wrk,
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{seconds:g}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            str(script),
            f"http://{HOST}:{port}{path}",
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout
    count = int(re.search(r"(\d+) requests in ([\d.]+)(\w+)", done).group(1))
    took = re.search(r"requests in ([\d.]+)(us|ms|s|m),", done)
    elapsed = float(took.group(1)) * _UNITS[took.group(2)]
    lat = {
        q: float(v) * _UNITS[u]
        for q, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", done, re.M)
    }
    non_2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", done)) else 0
    errors = 0
    if m := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", done
    ):
        errors = int(m.group(1)) + int(m.group(3)) + int(m.group(4))  # read: server closed
    load = Load(count, elapsed, [], non_2xx, errors, "wrk")
    load.pct = lambda q: lat.get(str(q))  # wrk reports the percentiles itself
    return load


def bench_server(table: Table, c, body: dict, tmp: Path, env: dict, args) -> None:
    created = subprocess.run(
        flask_cmd(
            "keys", "create", "--name", "bench", "--scopes", "assessments:read,assessments:write"
        ),
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    key = created.stdout.strip().splitlines()[-1]
    payload = json.dumps(body).encode()
    body_file = tmp / "body.json"
    body_file.write_bytes(payload)
    post_headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    get_headers = {"Authorization": f"Bearer {key}"}
    wrk = None if args.client == "python" else shutil.which("wrk")
    server = Server(env)
    try:
        port = server.port
        status, _, created = request(port, "POST", "/api/v1/assessments", payload, post_headers)
        if status != 201:
            raise RuntimeError(f"POST /api/v1/assessments answered {status}")
        kib = len(created) / 1024
        table.add(
            "201 of POST /api/v1/assessments (80-item sample)",
            f"{kib:.1f} KiB",
            "summary, links and verdict; GET of links.self gives the explained result",
            f"<= {GOALS['created_kib']} KiB",
            kib <= GOALS["created_kib"],
        )
        # Warm-up: both workers import, compile schemas and plans, open the database.
        python_load(port, "GET", "/livez", None, {}, 400, 30)
        posts = python_load(
            port, "POST", "/api/v1/assessments", payload, post_headers, 100, 60
        ).done

        def run(kind: str) -> Load:
            if wrk:
                if kind == "livez":
                    return wrk_load(wrk, port, "GET", "/livez", None, {}, args.seconds, tmp)
                return wrk_load(
                    wrk,
                    port,
                    "POST",
                    "/api/v1/assessments",
                    body_file,
                    post_headers,
                    args.seconds,
                    tmp,
                )
            if kind == "livez":
                return python_load(port, "GET", "/livez", None, {}, args.livez, args.seconds * 3)
            return python_load(
                port,
                "POST",
                "/api/v1/assessments",
                payload,
                post_headers,
                args.posts,
                args.seconds * 3,
            )

        livez, post = [], []
        for _ in range(args.rounds):  # alternate, so that drifting load hits both alike
            livez.append(run("livez"))
            post.append(run("post"))
            posts += post[-1].done
        client = livez[0].client
        _load_rows(table, "GET /livez", livez, client)
        _load_rows(table, "POST /api/v1/assessments", post, client)
        ratio = statistics.median(p.rps for p in post) / statistics.median(x.rps for x in livez)
        bad = sum(x.non_2xx + x.errors for x in post + livez)
        p99 = statistics.median(p.pct(99) for p in post) * 1000
        table.add(
            "POST /api/v1/assessments, p99 at 16 connections",
            f"{p99:.1f} ms",
            "median of the rounds' 99th percentiles",
            f"<= {GOALS['p99_ms']} ms",
            p99 <= GOALS["p99_ms"],
        )
        table.add(
            "ratio POST / livez (req/s)",
            f"{ratio:.2f}",
            f"{bad} non-2xx or failed",
            f">= {GOALS['ratio']:.2f}, 0 non-2xx",
            ratio >= GOALS["ratio"] and bad == 0,
        )
        if posts < 1000:
            posts += python_load(
                port, "POST", "/api/v1/assessments", payload, post_headers, 1000 - posts, 120
            ).done
        rss = server.rss_mb()
        table.add(
            f"worker RSS after {posts:,} POSTs",
            f"{max(rss):.0f} MB",
            f"plus {sum(x.done for x in livez):,} GET /livez; workers {_mb(rss)}",
            f"<= {GOALS['rss_mb']} MB",
            max(rss) <= GOALS["rss_mb"],
            before=PREVIOUS["worker RSS after the POSTs"],
        )
        ids = _assessment_ids(port, get_headers, args.reports)
        status, head, data = request(
            port, "GET", f"/api/v1/assessments/{ids[0]}/report.pdf", None, get_headers
        )
        if status != 200 or head.get("ETag", "").strip('"') != hashlib.sha256(data).hexdigest():
            raise RuntimeError(f"report.pdf answered {status} without the SHA-256 ETag")
        reports = python_load(
            port,
            "GET",
            [f"/api/v1/assessments/{i}/report.pdf" for i in ids],
            None,
            get_headers,
            len(ids),
            args.seconds * 60,
        )
        p99 = reports.pct(99) * 1000
        table.add(
            "GET report.pdf (distinct assessments)",
            f"{reports.rps:.1f} req/s",
            f"{reports.done} reports; p50 {reports.pct(50) * 1000:.0f} ms, p99 "
            f"{p99:.0f} ms; {reports.non_2xx + reports.errors} non-2xx",
            f"p99 < {GOALS['report_p99_ms']} ms",
            p99 < GOALS["report_p99_ms"] and reports.non_2xx + reports.errors == 0,
        )
        rss = server.rss_mb()
        table.add(
            f"worker RSS after {reports.done:,} more reports",
            f"{max(rss):.0f} MB",
            f"distinct assessments, each rendered; workers {_mb(rss)}",
            f"<= {GOALS['rss_mb']} MB",
            max(rss) <= GOALS["rss_mb"] and reports.non_2xx + reports.errors == 0,
            before=PREVIOUS["worker RSS after 1,000 more reports"],
        )

        def gate_load(method, path, payload, headers) -> Load:
            if wrk:
                gate_file = tmp / "gate.json"
                gate_file.write_bytes(payload)
                return wrk_load(wrk, port, method, path, gate_file, headers, args.seconds, tmp)
            return python_load(
                port, method, path, payload, headers, args.posts * 4, args.seconds * 3
            )

        tools = argparse.Namespace(root=ROOT, flask_cmd=flask_cmd, request=request, load=gate_load)
        support_bot = json.loads(SUPPORT_BOT.read_text(encoding="utf-8"))  # approved as it is
        bench_gate(table, port, support_bot, env, tools, args)
    finally:
        server.close()


def _mb(rss: list[float]) -> str:
    return ", ".join(f"{r:.0f}" for r in rss) + " MB"


def _load_rows(table: Table, name: str, runs: list[Load], client: str) -> None:
    rps = statistics.median(r.rps for r in runs)
    p50 = statistics.median(r.pct(50) for r in runs) * 1000
    p99 = statistics.median(r.pct(99) for r in runs) * 1000
    bad = sum(r.non_2xx + r.errors for r in runs)
    table.add(
        f"{name}, req/s at {CONNECTIONS} connections",
        f"{rps:.0f} req/s",
        f"p50 {p50:.1f} ms, p99 {p99:.1f} ms; {len(runs)} rounds, "
        f"{sum(r.done for r in runs)} requests, {bad} non-2xx; {client}",
    )


def _assessment_ids(port: int, headers: dict, count: int) -> list[str]:
    ids: list[str] = []
    page = 1
    while len(ids) < count:
        status, _, data = request(
            port, "GET", f"/api/v1/assessments?per_page=100&page={page}", None, headers
        )
        if status != 200:
            raise RuntimeError(f"listing assessments answered {status}")
        items = json.loads(data)["items"]
        if not items:
            break
        ids += [a["id"] for a in items]
        page += 1
    return ids[:count]


# ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--client",
        choices=("auto", "python"),
        default="auto",
        help="load client: wrk when installed (auto), or the Python client",
    )
    parser.add_argument("--seconds", type=float, default=5, help="wrk: seconds per round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating livez/POST rounds")
    parser.add_argument("--livez", type=int, default=3000, help="python client: GETs per round")
    parser.add_argument("--posts", type=int, default=600, help="python client: POSTs per round")
    parser.add_argument("--reports", type=int, default=1000, help="distinct PDF reports")
    parser.add_argument("--batch", type=int, default=1000, help="generated batch inputs")
    parser.add_argument("--batch-runs", type=int, default=3)
    parser.add_argument("--engine-calls", type=int, default=200)
    parser.add_argument("--engine-batches", type=int, default=25)
    parser.add_argument("--pdf-runs", type=int, default=20)
    parser.add_argument("--portfolio", type=int, default=10_000, help="stored assessments")
    parser.add_argument("--portfolio-runs", type=int, default=3)
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=("engine", "pdf", "form", "batch", "portfolio", "server"),
        help="leave a part out",
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the cleanups below
    started = machine()
    print(f"modelrisk bench on {started}", flush=True)
    c = content()
    table = Table()
    gc.collect()
    with tempfile.TemporaryDirectory(prefix="modelrisk-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = {
            **os.environ,
            "MODELRISK_DATABASE": str(tmp / "bench.sqlite3"),
            "MODELRISK_INSTANCE_PATH": str(tmp / "instance"),
            "MODELRISK_SECRET_KEY": os.urandom(16).hex(),
            "MODELRISK_AUDIT_KEY": os.urandom(16).hex(),
            "PYTHONUNBUFFERED": "1",
        }
        body = full_body(c)
        inputs = tmp / "inputs"
        generate_inputs(c, inputs, args.batch)
        if "engine" not in args.skip:
            body = bench_engine(table, c, inputs, args)
        if "pdf" not in args.skip:
            bench_pdf(table, c, args)
        if "form" not in args.skip:
            bench_form(table)
        if "batch" not in args.skip:
            bench_batch(table, inputs, tmp, env, args)
        if "portfolio" not in args.skip:
            bench_portfolio(table, c, inputs, tmp, args.portfolio, args.portfolio_runs)
        if "server" not in args.skip:
            subprocess.run(
                flask_cmd("db", "migrate"), cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
            )
            bench_server(table, c, body, tmp, env, args)
    print(
        f"\nmodelrisk bench: {started} at start; load average "
        f"{' / '.join(f'{x:.2f}' for x in os.getloadavg())} at the end\n"
    )
    print(table.render())
    missed = [r.name for r in table.rows if r.met is False]
    print("\nall goals met" if not missed else f"\ngoals not met: {'; '.join(missed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
