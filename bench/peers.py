#!/usr/bin/env python3
"""The peers of the national-scale benchmark: the same table as Safer's
`assess --json` `categories` (category, current, previous), computed straight
from the police.uk CSVs by DuckDB and by Polars.

    python3 bench/peers.py --data bench-data --district Charnwood --year 2023/24
        runs each engine in its own process and prints its table, wall time
        and peak memory;
    python3 bench/peers.py ... --engine duckdb     (or polars)
        runs one engine in this process and prints one JSON object.

A district's records are those whose "LSOA name" is "<district> " followed by
three digits and a capital letter ("Charnwood 009G"), as in Safer; the
current period is the financial year (April to March) and the previous one
the year before, by the "Month" column. "All crime" is every category but
anti-social behaviour.

bench/run.py imports `measure` and `run_measured` from here.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ASB = "Anti-social behaviour"
# police.uk's order, as Safer lists its category rows.
CRIME_CATEGORIES = [
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
    "Other crime",
]
ENGINES = ["duckdb", "polars"]


def periods(year: str) -> dict[str, tuple[str, str]]:
    """'2023/24' -> {'current': ('2023-04', '2024-03'), 'previous': ('2022-04', '2023-03')}."""
    start = int(year.split("/")[0])
    return {
        "current": (f"{start}-04", f"{start + 1}-03"),
        "previous": (f"{start - 1}-04", f"{start}-03"),
    }


def lsoa_regex(district: str) -> str:
    """An anchored regex for the district's LSOA names, valid in RE2 (DuckDB)
    and Rust's regex (Polars): only regex metacharacters are escaped."""
    escaped = "".join("\\" + c if c in r"\.^$|?*+()[]{}" else c for c in district)
    return f"^{escaped} [0-9]{{3}}[A-Z]$"


def csv_glob(data: Path) -> str:
    # Recursive, as Safer searches folders for *-street.csv.
    return str(data / "**" / "*-street.csv")


def table(counts: dict[tuple[str, str], int]) -> list[dict]:
    """Rows in Safer's order: All crime, the 13 crime categories, then ASB."""
    known = set(CRIME_CATEGORIES) | {ASB}
    unknown = {c for c, _ in counts} - known
    if unknown:
        raise SystemExit(f"unexpected crime types in the data: {sorted(unknown)}")

    def row(name: str, cats: list[str]) -> dict:
        return {
            "category": name,
            "current": sum(counts.get((c, "current"), 0) for c in cats),
            "previous": sum(counts.get((c, "previous"), 0) for c in cats),
        }

    return (
        [row("All crime", CRIME_CATEGORIES)]
        + [row(c, [c]) for c in CRIME_CATEGORIES]
        + [row(ASB, [ASB])]
    )


def count_duckdb(data: Path, district: str, year: str) -> dict[tuple[str, str], int]:
    import duckdb

    p = periods(year)
    con = duckdb.connect()
    rows = con.execute(
        """
        SELECT "Crime type", period, count(*) FROM (
            SELECT "Crime type",
                   CASE WHEN "Month" BETWEEN $cur_first AND $cur_last THEN 'current'
                        WHEN "Month" BETWEEN $prev_first AND $prev_last THEN 'previous'
                   END AS period
            FROM read_csv($glob, header = true, all_varchar = true)
            WHERE regexp_matches("LSOA name", $regex)
        )
        WHERE period IS NOT NULL
        GROUP BY ALL
        """,
        {
            "glob": csv_glob(data),
            "regex": lsoa_regex(district),
            "cur_first": p["current"][0],
            "cur_last": p["current"][1],
            "prev_first": p["previous"][0],
            "prev_last": p["previous"][1],
        },
    ).fetchall()
    return {(c, period): n for c, period, n in rows}


def count_polars(data: Path, district: str, year: str) -> dict[tuple[str, str], int]:
    import polars as pl

    p = periods(year)
    month = pl.col("Month")
    cur, prev = [tuple(pl.lit(m) for m in p[k]) for k in ("current", "previous")]
    period = (
        pl.when(month.is_between(*cur))
        .then(pl.lit("current"))
        .when(month.is_between(*prev))
        .then(pl.lit("previous"))
    )
    df = (
        pl.scan_csv(csv_glob(data), infer_schema=False)  # every column as String
        .filter(pl.col("LSOA name").str.contains(lsoa_regex(district)))
        .with_columns(period.alias("period"))
        .filter(pl.col("period").is_not_null())
        .group_by("Crime type", "period")
        .agg(pl.len().alias("n"))
        .collect()
    )
    return {(c, period): n for c, period, n in df.iter_rows()}


def version(engine: str) -> str:
    mod = __import__(engine)
    return getattr(mod, "__version__", "?")


def run_engine(engine: str, data: Path, district: str, year: str) -> dict:
    """Runs one engine in this process: its table, the seconds importing the
    engine's module took and the seconds the query took."""
    started = time.perf_counter()
    __import__(engine)
    imported = time.perf_counter()
    counts = {"duckdb": count_duckdb, "polars": count_polars}[engine](data, district, year)
    done = time.perf_counter()
    return {
        "engine": engine,
        "version": version(engine),
        "import_seconds": imported - started,
        "query_seconds": done - imported,
        "categories": table(counts),
    }


TIME = "/usr/bin/time"


def measure(cmd: list[str], env: dict | None = None) -> dict:
    """Runs `cmd` to completion: its wall time, peak RSS, CPU time, exit
    status and output.

    Peak RSS comes from GNU time (`/usr/bin/time`), which forks `cmd` from
    its own ~1 MB process. Taking ru_maxrss straight from this Python
    process's child would be wrong: Linux carries the high-water mark across
    exec, so the child would be charged with this interpreter's own memory
    (tens of MB once duckdb and polars are imported).
    """
    if not os.path.exists(TIME):
        raise SystemExit(f"{TIME} (GNU time) is needed to measure peak memory: apt-get install time")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as stats:
        full = [TIME, "-f", "%M %U %S", "-o", stats.name] + cmd
        started = time.perf_counter()
        proc = subprocess.run(full, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        # GNU time writes "Command exited with non-zero status N" first on failure.
        maxrss_kb, user, sys_ = stats.read().split("\n")[-2].split()
        return {
            "cmd": cmd,
            "wall": wall,
            "maxrss_bytes": int(maxrss_kb) * 1024,
            "user": float(user),
            "sys": float(sys_),
            "returncode": proc.returncode,
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
        }


def engine_cmd(engine: str, data: Path, district: str, year: str) -> list[str]:
    return [
        sys.executable,
        str(Path(__file__).resolve()),
        "--engine",
        engine,
        "--data",
        str(data),
        "--district",
        district,
        "--year",
        year,
    ]


def run_measured(engine: str, data: Path, district: str, year: str) -> dict:
    """Runs one engine in a child process: wall time and peak RSS of that
    process, and its table. Exits loudly if the engine failed."""
    m = measure(engine_cmd(engine, data, district, year))
    if m["returncode"] != 0:
        sys.stderr.write(m["stderr"])
        raise SystemExit(f"{engine} failed (exit {m['returncode']})")
    result = json.loads(m["stdout"])
    result.update(wall=m["wall"], maxrss_bytes=m["maxrss_bytes"], user=m["user"], sys=m["sys"])
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True, help="folder of police.uk CSVs (searched recursively)")
    ap.add_argument("--district", required=True, help="e.g. Charnwood")
    ap.add_argument("--year", required=True, help="financial year, e.g. 2023/24")
    ap.add_argument("--engine", choices=ENGINES + ["all"], default="all")
    args = ap.parse_args()
    if not args.data.is_dir():
        raise SystemExit(f"{args.data} is not a folder")
    if args.engine != "all":
        print(json.dumps(run_engine(args.engine, args.data, args.district, args.year)))
        return 0
    for engine in ENGINES:
        r = run_measured(engine, args.data, args.district, args.year)
        print(
            f"{engine} {r['version']}: {r['wall']:.2f} s wall "
            f"({r['query_seconds']:.2f} s in the query), peak RSS {r['maxrss_bytes'] / 2**20:.0f} MiB"
        )
        for row in r["categories"]:
            print(f"  {row['category']:<30} {row['current']:>8} {row['previous']:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
