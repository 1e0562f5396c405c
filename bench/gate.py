"""`make bench`, the deployment gate: `POST /api/v1/gate` at 16 connections against an approval
bound to a 12-file manifest, its median and 99th percentile (goal: median under 10 ms). Every
answer writes its audit event, so the figure includes that write transaction."""

from __future__ import annotations

import hashlib
import json
import statistics
import subprocess

GOAL_MS = 10
FILES = [
    {"path": f"model-{n:05d}-of-00012.safetensors", "sha256": hashlib.sha256(b"%d" % n).hexdigest()}
    for n in range(1, 13)
]


def _key(flask_cmd, root, env, *args: str) -> str:
    done = subprocess.run(
        flask_cmd(*args), cwd=root, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip().splitlines()[-1]


def bench_gate(table, port: int, body: dict, env: dict, tools, args) -> None:
    """Approve one assessment with an artefact (a second person's key), then load the gate."""
    root, flask_cmd, request, load = tools.root, tools.flask_cmd, tools.request, tools.load
    subprocess.run(
        flask_cmd("users", "create", "--email", "gate-reviewer@example.com", "--role", "reviewer"),
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )
    writer = _key(
        flask_cmd,
        root,
        env,
        "keys",
        "create",
        "--name",
        "gate-writer",
        "--scopes",
        "assessments:read,assessments:write",
    )
    reviewer = _key(
        flask_cmd,
        root,
        env,
        "keys",
        "create",
        "--name",
        "gate-reviewer",
        "--scopes",
        "assessments:read,reviews:write",
        "--owner",
        "gate-reviewer@example.com",
    )
    pipeline = _key(
        flask_cmd, root, env, "keys", "create", "--name", "pipeline", "--scopes", "gate:read"
    )
    bound = json.loads(json.dumps(body))
    bound["title"] = "Gate benchmark"
    bound["model"]["artifact"] = {"files": FILES}
    json_headers = {"Content-Type": "application/json"}
    status, _, created = request(
        port,
        "POST",
        "/api/v1/assessments",
        json.dumps(bound).encode(),
        {**json_headers, "Authorization": f"Bearer {writer}"},
    )
    if status != 201:
        raise RuntimeError(f"POST /api/v1/assessments for the gate answered {status}")
    aid = json.loads(created)["id"]
    status, _, _ = request(
        port,
        "POST",
        f"/api/v1/assessments/{aid}/reviews",
        b'{"decision": "approve"}',
        {**json_headers, "Authorization": f"Bearer {reviewer}"},
    )
    if status != 200:
        raise RuntimeError(f"the approval for the gate answered {status}")
    check = json.dumps({"model": bound["model"]["id"], "use": aid, "files": FILES}).encode()
    headers = {**json_headers, "Authorization": f"Bearer {pipeline}"}
    status, _, answer = request(port, "POST", "/api/v1/gate", check, headers)
    if status != 200 or not json.loads(answer)["allowed"]:
        raise RuntimeError(f"the gate answered {status}: {answer[:300]!r}")
    runs = [load("POST", "/api/v1/gate", check, headers) for _ in range(args.rounds)]
    p50 = statistics.median(r.pct(50) for r in runs) * 1000
    p99 = statistics.median(r.pct(99) for r in runs) * 1000
    rps = statistics.median(r.rps for r in runs)
    bad = sum(r.non_2xx + r.errors for r in runs)
    table.add(
        "POST /api/v1/gate, median at 16 connections",
        f"{p50:.1f} ms",
        f"p99 {p99:.1f} ms; {rps:.0f} req/s, each with its audit event; {len(runs)} rounds, "
        f"{bad} non-2xx; {runs[0].client}",
        f"< {GOAL_MS} ms, 0 non-2xx",
        p50 < GOAL_MS and bad == 0,
        before="",
    )
