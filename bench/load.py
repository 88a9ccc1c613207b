#!/usr/bin/env python3
"""Safer under load: many signed-in users at once on `safer serve`.

    cargo build --release -p safer
    python3 bench/load.py --compare

It makes the Charnwood demo in a temporary folder (`safer demo --no-serve`),
adds a read-only user with a known password and an API token, starts
`safer serve` on a free loopback port, signs in one session per simulated
user (each through the sign-in form, with its CSRF token), and then has
--sessions users at once (200 by default) ask for pages and API routes for
--seconds (30 by default), each waiting for its answer before asking again
(no pause between). Each user goes round the routes in turn, starting at a
different one:

  /                                   the dashboard (a plan's review)
  /assessment                         the assessment explorer
  /plans/charnwood-2023-26            the plan
  /api/v1/plans                       with a bearer token
  /api/v1/assessment                  with a bearer token
  /api/v1/plans/charnwood-2023-26/review  with a bearer token

For each route it reports the requests answered, the errors (any status but
200, a broken connection, or no answer in --timeout seconds), the 50th, 90th
and 99th percentile latency and requests a second. Every request of the
window counts, the first ones (that find nothing computed yet) included.

--compare runs the same load twice on the same data: first with the server's
cache turned off (`SAFER_NO_CACHE=1`: every assessment and review computed
afresh, as before the cache), then on. The server and this client share the
machine's cores; the CPU time each used is reported beside the table.

Target: no errors and a 99th percentile of at most 1 s on every route.
Exits with 3 if the target is missed (with --compare: by the cached run).
Only loopback addresses are used. The standard library only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (machine() and wait_for_quiet())

ROOT = Path(__file__).resolve().parent.parent
PLAN = "charnwood-2023-26"
USER = "load-reader"
PASSWORD = "load benchmark password 2024"
AGENCY = "Voluntary Action LeicesterShire"
TARGET_P99 = 1.0

# (label, path, authorised by): "session" sends the user's session cookie,
# "token" the API token.
ROUTES = [
    ("/", "/", "session"),
    ("/assessment", "/assessment", "session"),
    (f"/plans/{PLAN}", f"/plans/{PLAN}", "session"),
    ("/api/v1/plans", "/api/v1/plans", "token"),
    ("/api/v1/assessment", "/api/v1/assessment", "token"),
    (f"/api/v1/plans/{PLAN}/review", f"/api/v1/plans/{PLAN}/review", "token"),
]


def die(msg: str) -> None:
    print(f"\nBENCHMARK FAILED: {msg}", file=sys.stderr)
    sys.exit(1)


def default_binary() -> Path:
    target = os.environ.get("CARGO_TARGET_DIR")
    base = Path(target) if target else ROOT / "target"
    return base / "release" / "safer"


def safer_cmd(safer: Path, data: Path, *args: str, stdin: str | None = None) -> str:
    """Runs a safer command from the repository root (the demo reads
    examples/ and ../shared/data from there); returns its standard output."""
    p = subprocess.run(
        [str(safer), "--data-dir", str(data), *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
    )
    if p.returncode != 0:
        die(f"safer {' '.join(args)} failed:\n{p.stderr[-3000:]}")
    return p.stdout


def prepare(safer: Path, work: Path) -> tuple[Path, str]:
    """The demo's data, a reader who signs in, and an API token."""
    data = work / "data"
    print("Making the Charnwood demo (safer demo --no-serve) …", file=sys.stderr)
    safer_cmd(safer, data, "demo", "--no-serve", "--out", str(work / "out/psa"), "--reports", str(work / "out"))
    safer_cmd(
        safer, data, "user", "add", USER, "--name", "Load benchmark reader", "--agency", AGENCY,
        "--roles", "read_only_partner", "--password-stdin", stdin=PASSWORD + "\n",
    )
    token = safer_cmd(safer, data, "token", "create", "--user", USER, "--name", "load", "--scopes", "read").strip()
    if not token:
        die("safer token create printed no token")
    return data, token


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`safer serve` on a loopback port, stopped when the block ends."""

    def __init__(self, safer: Path, data: Path, cache: bool):
        self.port = free_port()
        env = dict(os.environ)
        env.pop("SAFER_NO_CACHE", None)
        if not cache:
            env["SAFER_NO_CACHE"] = "1"
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [str(safer), "--data-dir", str(data), "serve", "--listen", f"127.0.0.1:{self.port}"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )

    def __enter__(self) -> "Server":
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.seek(0)
                die(f"safer serve exited:\n{self.log.read().decode(errors='replace')[-3000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        die("safer serve did not start listening in 30 s")
        raise AssertionError

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def cpu_seconds(self) -> float:
        """User and system CPU time the server has used so far."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class Connection:
    """One keep-alive HTTP/1.1 connection to the server."""

    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass
        self.reader = self.writer = None

    async def request(self, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> Response:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        r = self.reader
        status_line = await r.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection")
        status = int(status_line.split()[1])
        got: list[tuple[str, str]] = []
        while True:
            line = await r.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            k, _, v = line.decode("latin-1").partition(":")
            got.append((k.strip().lower(), v.strip()))
        h = dict(got)
        if "content-length" in h:
            data = await r.readexactly(int(h["content-length"]))
        elif h.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await r.readline()).split(b";")[0], 16)
                if size == 0:
                    while (await r.readline()) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                parts.append(await r.readexactly(size))
                await r.readexactly(2)
            data = b"".join(parts)
        else:
            data = b""
        if h.get("connection", "").lower() == "close":
            await self.close()
        return Response(status, got, data)


def cookies_of(resp: Response) -> dict[str, str]:
    out = {}
    for k, v in resp.headers:
        if k == "set-cookie":
            name, _, rest = v.partition("=")
            out[name] = rest.split(";", 1)[0]
    return out


async def sign_in(port: int) -> str:
    """A new session of the reader, through the sign-in form: its cookie."""
    c = Connection(port)
    try:
        form = await c.request("GET", "/sign-in", {})
        if form.status != 200:
            die(f"GET /sign-in answered {form.status}")
        csrf_cookie = cookies_of(form).get("safer_csrf")
        m = re.search(rb'name="csrf_token" value="([^"]+)"', form.body)
        if not csrf_cookie or not m:
            die("the sign-in page gave no CSRF token")
        body = urllib.parse.urlencode(
            {"csrf_token": m.group(1).decode(), "username": USER, "password": PASSWORD, "next": "/"}
        ).encode()
        resp = await c.request(
            "POST", "/sign-in",
            {"Cookie": f"safer_csrf={csrf_cookie}", "Content-Type": "application/x-www-form-urlencoded"},
            body,
        )
        session = cookies_of(resp).get("safer_session")
        if resp.status != 303 or not session:
            die(f"signing in answered {resp.status}: {resp.body[:500]!r}")
        return session
    finally:
        await c.close()


async def api_answers(port: int, token: str) -> dict[str, object]:
    """The API's assessment and review, parsed: the runs with the cache on
    and off must give the same."""
    c = Connection(port)
    out = {}
    try:
        for _, path, auth in ROUTES:
            if auth == "token" and path != "/api/v1/plans":
                r = await c.request("GET", path, {"Authorization": f"Bearer {token}"})
                if r.status != 200:
                    die(f"GET {path} answered {r.status}: {r.body[:500]!r}")
                out[path] = json.loads(r.body)
    finally:
        await c.close()
    return out


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


async def drive(port: int, sessions: list[str], token: str, seconds: float, timeout: float) -> tuple[dict[str, Tally], float]:
    tallies = {label: Tally() for label, _, _ in ROUTES}
    start = time.monotonic()
    deadline = start + seconds

    async def user(i: int) -> None:
        conn = Connection(port)
        n = i
        try:
            while time.monotonic() < deadline:
                label, path, auth = ROUTES[n % len(ROUTES)]
                n += 1
                headers = (
                    {"Cookie": f"safer_session={sessions[i]}"} if auth == "session"
                    else {"Authorization": f"Bearer {token}"}
                )
                t0 = time.monotonic()
                try:
                    resp = await asyncio.wait_for(conn.request("GET", path, headers), timeout)
                except asyncio.TimeoutError:
                    tallies[label].error(f"no answer in {timeout:g} s")
                    await conn.close()
                    continue
                except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError) as e:
                    tallies[label].error(type(e).__name__)
                    await conn.close()
                    continue
                elapsed = time.monotonic() - t0
                if resp.status != 200:
                    tallies[label].error(f"status {resp.status}")
                else:
                    tallies[label].latencies.append(elapsed)
        finally:
            await conn.close()

    await asyncio.gather(*(user(i) for i in range(len(sessions))))
    return tallies, time.monotonic() - start


def percentile(xs: list[float], p: float) -> float:
    """The nearest-rank percentile."""
    if not xs:
        return float("nan")
    s = sorted(xs)
    k = max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))
    return s[k]


def summarise(tallies: dict[str, Tally], window: float) -> list[dict]:
    rows = []
    for label, _, _ in ROUTES:
        t = tallies[label]
        ok = t.latencies
        errors = sum(t.errors.values())
        rows.append({
            "route": label,
            "requests": len(ok) + errors,
            "errors": errors,
            "error_kinds": t.errors,
            "p50": percentile(ok, 50),
            "p90": percentile(ok, 90),
            "p99": percentile(ok, 99),
            "max": max(ok) if ok else float("nan"),
            "per_second": len(ok) / window,
        })
    return rows


def ms(x: float) -> str:
    return "–" if x != x else f"{x * 1000:,.0f}"


def table(rows: list[dict]) -> str:
    out = [
        "| route | requests | errors | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | requests/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        out.append(
            f"| `{r['route']}` | {r['requests']:,} | {r['errors']} | {ms(r['p50'])} | {ms(r['p90'])} | "
            f"{ms(r['p99'])} | {ms(r['max'])} | {r['per_second']:.1f} |"
        )
    total = sum(r["requests"] for r in rows)
    out.append(f"| all | {total:,} | {sum(r['errors'] for r in rows)} | | | | | {sum(r['per_second'] for r in rows):.1f} |")
    return "\n".join(out)


def one_run(safer: Path, data: Path, token: str, cache: bool, args) -> dict:
    idle = run.wait_for_quiet(args.quiet_wait)
    with Server(safer, data, cache) as server:
        async def go():
            sessions = []
            # A few at a time: each sign-in hashes the password (argon2id).
            for k in range(0, args.sessions, 4):
                sessions += await asyncio.gather(*(sign_in(server.port) for _ in range(min(4, args.sessions - k))))
            answers = await api_answers(server.port, token)
            cpu0, client0 = server.cpu_seconds(), resource.getrusage(resource.RUSAGE_SELF)
            tallies, window = await drive(server.port, sessions, token, args.seconds, args.timeout)
            cpu1, client1 = server.cpu_seconds(), resource.getrusage(resource.RUSAGE_SELF)
            # Asked again once the load has run: a kept answer is the same.
            if await api_answers(server.port, token) != answers:
                die("the API's answers changed during the run")
            client = (client1.ru_utime + client1.ru_stime) - (client0.ru_utime + client0.ru_stime)
            return tallies, window, cpu1 - cpu0, client, answers

        label = "cache on" if cache else "cache off (SAFER_NO_CACHE=1)"
        print(f"Running {args.sessions} users for {args.seconds:g} s, {label} …", file=sys.stderr)
        tallies, window, server_cpu, client_cpu, answers = asyncio.run(go())
    rows = summarise(tallies, window)
    return {
        "cache": cache,
        "idle_before": idle,
        "window_s": window,
        "server_cpu_s": server_cpu,
        "client_cpu_s": client_cpu,
        "routes": rows,
        "answers": answers,
    }


def met(result: dict) -> bool:
    return all(r["errors"] == 0 and r["p99"] <= TARGET_P99 for r in result["routes"])


def report(result: dict) -> str:
    head = "Cache on" if result["cache"] else "Cache off (`SAFER_NO_CACHE=1`)"
    return (
        f"### {head}\n\n{table(result['routes'])}\n\n"
        f"Window {result['window_s']:.1f} s; CPU used: server {result['server_cpu_s']:.1f} s, "
        f"this client {result['client_cpu_s']:.1f} s (of {result['window_s'] * (os.cpu_count() or 1):.0f} "
        f"core-seconds); the CPUs were {result['idle_before']:.0%} idle before the run.\n"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--safer", type=Path, default=default_binary(), help="the safer binary (default: the release build)")
    ap.add_argument("--sessions", type=int, default=200, help="users asking at once (default 200)")
    ap.add_argument("--seconds", type=float, default=30, help="how long to load the server (default 30)")
    ap.add_argument("--timeout", type=float, default=60, help="seconds before a request counts as an error (default 60)")
    ap.add_argument("--no-cache", action="store_true", help="run once, with the server's cache turned off")
    ap.add_argument("--compare", action="store_true", help="run with the cache off, then on")
    ap.add_argument("--quiet-wait", type=float, default=300, help="seconds to wait for idle CPUs before each run (default 300)")
    ap.add_argument("--results-json", type=Path, help="write every figure here")
    args = ap.parse_args()
    if not 0 < args.sessions <= 1000 or not 0 < args.seconds <= 600:
        die("--sessions must be 1 to 1000 and --seconds at most 600")
    if not args.safer.is_file():
        die(f"{args.safer} not found: build it with\n    cargo build --release -p safer")

    m = run.machine()
    print(f"Machine: {m['nproc']} CPUs, {m['cpu']}, {m['memory']}, Linux {m['kernel']}, Python {m['python']}", file=sys.stderr)
    results = []
    with tempfile.TemporaryDirectory(prefix="safer-load-") as tmp:
        data, token = prepare(args.safer, Path(tmp))
        modes = [False, True] if args.compare else [not args.no_cache]
        for cache in modes:
            results.append(one_run(args.safer, data, token, cache, args))
    if any(r["answers"] != results[0]["answers"] for r in results):
        die("the cached and uncached runs gave different answers")
    for r in results:
        del r["answers"]
    for r in results:
        print(report(r))
    if args.results_json:
        args.results_json.write_text(json.dumps({"machine": m, "sessions": args.sessions, "seconds": args.seconds, "runs": results}, indent=2))
    final = results[-1]
    if not met(final):
        print(f"Target missed: every route needs 0 errors and p99 ≤ {TARGET_P99:g} s.", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
