#!/usr/bin/env python3
"""The national-scale benchmark of Safer against DuckDB and Polars.

    cargo build --release -p safer
    cargo run --release -p xtask -- gen-police-uk --out bench-data
    python3 bench/run.py --data bench-data --district Charnwood --year 2023/24

For each engine it runs one untimed warm-up (so every engine reads the CSVs
from a warm page cache; nothing is dropped from it), then --runs timed runs,
interleaved, and reports the median:

  safer   `safer import police-uk DATA` into a fresh data folder, then
          `safer assess --district D --year Y --json --out OUT`, end to end
          (two processes; the wall times of both added up). Peak RSS is the
          larger of the two processes'.
  safer assess (data held)
          a second `assess` on the data already imported, which must not
          read the CSVs again (checked with strace in the warm-up).
  duckdb, polars
          bench/peers.py in a fresh Python process per run: interpreter
          start, module import and the query, from CSV to the table.

Every peer's numbers must equal Safer's for every category row (current and
previous); the run fails loudly if not. The result is a markdown table on
stdout (and, with --results-json, the raw measurements).

Targets: Safer end to end at least 2x faster than the faster peer, and at
most 64 bytes of peak memory per record held (peak RSS / rows).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peers  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TARGET_SPEEDUP = 2.0
TARGET_BYTES_PER_RECORD = 64.0


def die(msg: str) -> None:
    print(f"\nBENCHMARK FAILED: {msg}", file=sys.stderr)
    sys.exit(1)


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def cpu_idle(seconds: float = 1.0) -> float:
    """The fraction of all CPUs idle over the next `seconds` (from /proc/stat)."""

    def snap() -> tuple[int, int]:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return v[3] + v[4], sum(v)  # idle + iowait, total

    import time

    i0, t0 = snap()
    time.sleep(seconds)
    i1, t1 = snap()
    return (i1 - i0) / max(1, t1 - t0)


def wait_for_quiet(max_wait: float, threshold: float = 0.9) -> float:
    """Waits (up to max_wait seconds) until the machine is at least
    `threshold` idle over two seconds, so other work does not skew a timed
    run; returns the idle fraction last seen."""
    import time

    deadline = time.monotonic() + max_wait
    idle = cpu_idle(2.0)
    warned = False
    while idle < threshold and time.monotonic() < deadline:
        if not warned:
            print(f"  waiting for a quiet machine (CPU {100 * idle:.0f}% idle)...", flush=True)
            warned = True
        idle = cpu_idle(2.0)
    return idle


def check(m: dict, what: str) -> dict:
    if m["returncode"] != 0:
        sys.stderr.write(m["stderr"])
        die(f"{what} exited with {m['returncode']}: {' '.join(m['cmd'])}")
    return m


def safer_run(safer: Path, data: Path, district: str, year: str, tmp_root: str | None, trace: bool = False) -> dict:
    """One end-to-end Safer run in a fresh data folder, then a second assess."""
    tmp = Path(tempfile.mkdtemp(prefix="safer-bench-", dir=tmp_root))
    try:
        data_dir, out = tmp / "data", tmp / "out"
        # The user the import is recorded as (not timed).
        for cmd in (["agency", "add", "Benchmarks"],
                    ["user", "add", "bench", "--name", "Benchmarks", "--agency", "Benchmarks", "--roles", "analyst"]):
            subprocess.run([str(safer), "--data-dir", str(data_dir), *cmd], check=True, capture_output=True)
        env = dict(os.environ, SAFER_USER="bench")
        imp = check(
            peers.measure([str(safer), "--data-dir", str(data_dir), "import", "police-uk", "--json", str(data)], env=env),
            "safer import",
        )
        assess_cmd = [
            str(safer), "--data-dir", str(data_dir), "assess",
            # The question is the crime table: no PDF (Chromium would be timed).
            "--district", district, "--year", year, "--json", "--no-pdf", "--out", str(out),
        ]
        first = check(peers.measure(assess_cmd), "safer assess")
        if trace:
            opened = trace_opens(assess_cmd, tmp / "strace.txt")
            street = [p for p in opened if p.endswith("-street.csv")]
            if street:
                die(f"the second `safer assess` opened {len(street)} police.uk CSV(s), e.g. {street[0]}")
        second = check(peers.measure(assess_cmd), "safer assess (second)")
        report = json.loads(imp["stdout"])
        a1, a2 = json.loads(first["stdout"]), json.loads(second["stdout"])
        if a1["categories"] != a2["categories"]:
            die("the second `safer assess` gave a different table from the first")
        return {
            "engine": "safer",
            "wall": imp["wall"] + first["wall"],
            "import_wall": imp["wall"],
            "assess_wall": first["wall"],
            "assess_again_wall": second["wall"],
            "maxrss_bytes": max(imp["maxrss_bytes"], first["maxrss_bytes"]),
            "import_maxrss_bytes": imp["maxrss_bytes"],
            "assess_maxrss_bytes": first["maxrss_bytes"],
            "assess_again_maxrss_bytes": second["maxrss_bytes"],
            "cpu_seconds": imp["user"] + imp["sys"] + first["user"] + first["sys"],
            "rows_read": report["rows_read"],
            "rows_kept": report["rows_kept"],
            "store_bytes": dir_size(data_dir),
            "categories": [
                {"category": r["category"], "current": r["current"], "previous": r["previous"]}
                for r in a1["categories"]
            ],
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def trace_opens(cmd: list[str], out: Path) -> list[str]:
    """The files `cmd` opens, by strace; empty (with a note) without strace."""
    if not shutil.which("strace"):
        print("note: strace not found; not checking that assess leaves the CSVs alone", file=sys.stderr)
        return []
    r = subprocess.run(
        ["strace", "-f", "-qq", "-e", "trace=open,openat", "-o", str(out)] + cmd,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    if r.returncode != 0:
        die(f"safer assess under strace exited with {r.returncode}: {r.stderr}")
    paths = []
    for line in out.read_text().splitlines():
        if '"' in line:
            paths.append(line.split('"')[1])
    return paths


def dir_size(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def compare(safer_rows: list[dict], peer: dict) -> None:
    want = {r["category"]: (r["current"], r["previous"]) for r in safer_rows}
    got = {r["category"]: (r["current"], r["previous"]) for r in peer["categories"]}
    expected_rows = ["All crime"] + peers.CRIME_CATEGORIES + [peers.ASB]
    if list(want) != expected_rows:
        die(f"Safer's category rows are not the expected 15 in police.uk order: {list(want)}")
    bad = [
        f"  {c:<30} safer {want[c]}  {peer['engine']} {got.get(c)}"
        for c in expected_rows
        if want[c] != got.get(c)
    ]
    if bad:
        die(f"{peer['engine']} disagrees with Safer (current, previous):\n" + "\n".join(bad))


def mib(b: float) -> str:
    return f"{b / 2**20:,.0f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT / "bench-data", help="the generated CSVs (default: bench-data)")
    ap.add_argument("--district", default="Charnwood")
    ap.add_argument("--year", default="2023/24")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per engine (default 3); the median is reported")
    ap.add_argument("--safer", type=Path, default=ROOT / "target" / "release" / "safer")
    ap.add_argument("--tmp", default=None, help="where the fresh Safer data folders go (default: the system temp folder)")
    ap.add_argument("--engines", default="safer,duckdb,polars", help="comma-separated subset to run")
    ap.add_argument("--results-json", type=Path, help="also write every measurement here")
    ap.add_argument(
        "--quiet-wait", type=float, default=600,
        help="before each timed run, wait up to this many seconds for the CPUs to be 90%% idle (default 600)",
    )
    args = ap.parse_args()
    engines = args.engines.split(",")

    if "safer" in engines and not args.safer.is_file():
        die(
            f"{args.safer} does not exist. This script builds nothing: run\n"
            f"    cargo build --release -p safer\nfirst (from {ROOT})."
        )
    if not args.data.is_dir():
        die(
            f"{args.data} does not exist. Generate it with\n"
            f"    cargo run --release -p xtask -- gen-police-uk --out {args.data}"
        )
    for e in engines:
        if e in peers.ENGINES:
            try:
                __import__(e)
            except ImportError:
                die(f"{e} is not installed: pip install duckdb polars")

    manifest_path = args.data / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else None
    csv_bytes = sum(p.stat().st_size for p in args.data.rglob("*-street.csv"))
    n_files = sum(1 for _ in args.data.rglob("*-street.csv"))
    info = machine()
    print(f"machine: {info['nproc']} CPU(s), {info['cpu']}, {info['memory']} RAM, Linux {info['kernel']}, Python {info['python']}")
    print(f"data: {args.data} — {n_files} files, {csv_bytes:,} bytes")

    def run_one(engine: str, trace: bool = False) -> dict:
        if engine == "safer":
            return safer_run(args.safer, args.data, args.district, args.year, args.tmp, trace=trace)
        return peers.run_measured(engine, args.data, args.district, args.year)

    # Warm-up: one untimed run each, so all read from a warm page cache.
    print("warm-up (untimed): " + ", ".join(engines), flush=True)
    reference = None
    for e in engines:
        r = run_one(e, trace=True)
        if e == "safer":
            reference = r["categories"]
    if reference is None:
        reference = [{"category": r["category"], "current": r["current"], "previous": r["previous"]} for r in run_one("duckdb")["categories"]]

    results: dict[str, list[dict]] = {e: [] for e in engines}
    for i in range(args.runs):
        for e in engines:
            idle = wait_for_quiet(args.quiet_wait)
            r = run_one(e)
            r["idle_before"] = idle
            results[e].append(r)
            if e != "safer":
                compare(reference, r)
            elif r["categories"] != reference:
                die("Safer's table changed between runs")
            noisy = "" if idle >= 0.9 else f"  (NOISY: only {100 * idle:.0f}% idle before the run)"
            print(
                f"run {i + 1}/{args.runs} {e:<7} {r['wall']:7.2f} s  peak RSS {mib(r['maxrss_bytes']):>6} MiB{noisy}",
                flush=True,
            )

    rows = results["safer"][0]["rows_read"] if "safer" in results else (manifest or {}).get("rows")
    if manifest and rows != manifest["rows"]:
        die(f"Safer read {rows} rows but the generator wrote {manifest['rows']}")

    def med(e: str, key: str) -> float:
        return statistics.median(r[key] for r in results[e])

    lines = []
    lines.append(f"Machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory']} RAM, Linux {info['kernel']}.")
    lines.append(
        f"Data: {n_files} files, {rows:,} rows, {csv_bytes / 1e9:.2f} GB; district {args.district}, "
        f"year {args.year}; median of {args.runs} warm runs."
    )
    lines.append("")
    lines.append("| engine | wall time, end to end (s) | min–max (s) | peak RSS (MiB) | bytes of peak RSS per record | rows |")
    lines.append("|---|---:|---:|---:|---:|---:|")
    for e in engines:
        label = {"safer": "Safer (import + assess)"}.get(e, f"{e} {results[e][0].get('version', '')}".strip())
        walls = [r["wall"] for r in results[e]]
        rss = max(r["maxrss_bytes"] for r in results[e])
        lines.append(
            f"| {label} | {med(e, 'wall'):.2f} | {min(walls):.2f}–{max(walls):.2f} | {mib(rss)} | {rss / rows:.1f} | {rows:,} |"
        )
    if "safer" in engines:
        s = results["safer"]
        again = [r["assess_again_wall"] for r in s]
        rss2 = max(r["assess_again_maxrss_bytes"] for r in s)
        lines.append(
            f"| Safer assess again (data held) | {statistics.median(again):.2f} | {min(again):.2f}–{max(again):.2f} "
            f"| {mib(rss2)} | {rss2 / rows:.1f} | {rows:,} |"
        )
    noisy_runs = sum(1 for e in engines for r in results[e] if r["idle_before"] < 0.9)
    if noisy_runs:
        lines.append("")
        lines.append(f"WARNING: {noisy_runs} timed run(s) started on a machine less than 90% idle; the times may be skewed.")
    lines.append("")
    verdicts = []
    if "safer" in engines:
        s = results["safer"]
        lines.append(
            f"Safer split: import {med('safer', 'import_wall'):.2f} s (peak {mib(max(r['import_maxrss_bytes'] for r in s))} MiB), "
            f"assess {med('safer', 'assess_wall'):.2f} s (peak {mib(max(r['assess_maxrss_bytes'] for r in s))} MiB); "
            f"CPU time {med('safer', 'cpu_seconds'):.2f} s; store written {s[0]['store_bytes'] / 1e6:,.0f} MB."
        )
        peer_names = [e for e in engines if e in peers.ENGINES]
        for e in peer_names:
            lines.append(
                f"{e}: median {med(e, 'import_seconds'):.2f} s importing the module, {med(e, 'query_seconds'):.2f} s in the query."
            )
        safer_wall = med("safer", "wall")
        safer_rss = max(r["maxrss_bytes"] for r in s)
        per_record = safer_rss / rows
        if peer_names:
            fastest = min(peer_names, key=lambda e: med(e, "wall"))
            speedup = med(fastest, "wall") / safer_wall
            ok = speedup >= TARGET_SPEEDUP
            verdicts.append(ok)
            lines.append(
                f"Speedup of Safer vs the faster peer ({fastest}): {speedup:.2f}× "
                f"(target ≥ {TARGET_SPEEDUP:g}×): {'PASS' if ok else 'FAIL'}."
            )
            q = min(med(e, "query_seconds") for e in peer_names)
            lines.append(f"(Against the faster peer's query time alone, {q:.2f} s, without interpreter start and import: {q / safer_wall:.2f}×.)")
        ok = per_record <= TARGET_BYTES_PER_RECORD
        verdicts.append(ok)
        lines.append(
            f"Safer peak memory per record held: {per_record:.1f} bytes (target ≤ {TARGET_BYTES_PER_RECORD:g}): "
            f"{'PASS' if ok else 'FAIL'}."
        )
        lines.append("Every peer's current and previous counts equal Safer's for all 15 category rows.")
    table = "\n".join(lines)
    print()
    print(table)
    if args.results_json:
        args.results_json.write_text(
            json.dumps(
                {"machine": info, "data": str(args.data), "files": n_files, "csv_bytes": csv_bytes, "rows": rows,
                 "manifest": manifest, "district": args.district, "year": args.year, "results": results,
                 "reference": reference, "summary_markdown": table},
                indent=2,
            )
        )
    return 0 if all(verdicts) else 3


if __name__ == "__main__":
    sys.exit(main())
