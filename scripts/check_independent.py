#!/usr/bin/env python3
"""Checks every figure `safer assess` publishes against an independent
computation over the same police.uk files: DuckDB for counts by category, month
and period (counting rows, as police.uk does: a repeated Crime ID is a row like
any other); shapely for placing records in beats. Two data sets: the Charnwood
demo (every category and beat, three periods), and the April 2022 national month
(every district in it: those whose own force's file is held must match, the
others must be refused, since their month is not held).

Usage: python3 scripts/check_independent.py --safer target/debug/safer [--shared ../shared/data]

Exits non-zero, listing every difference, if any figure disagrees.
"""
import argparse
import os
import csv
import json
import re
import math
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import duckdb
from shapely.geometry import Point, shape
from shapely.strtree import STRtree

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = [
    "Bicycle theft", "Burglary", "Criminal damage and arson", "Drugs", "Other theft",
    "Possession of weapons", "Public order", "Robbery", "Shoplifting", "Theft from the person",
    "Vehicle crime", "Violence and sexual offences", "Other crime",
]
ASB = "Anti-social behaviour"
NEAREST_LIMIT_M = 250.0
failures = []


def check(what, got, want):
    if got != want:
        failures.append(f"{what}: safer says {got}, independent count says {want}")


# The service user the checks import as: Safer records every change with a
# named user (SAFER_USER), as a partnership's scheduled jobs would.
CHECKER = "figures-check"


def run(safer, data, *args):
    env = dict(os.environ, SAFER_USER=CHECKER)
    out = subprocess.run([safer, "--data-dir", str(data), *args], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        sys.exit(f"safer {' '.join(args)} failed:\n{out.stderr}")
    return out.stdout


def new_data_dir(safer, data):
    """A data folder whose users include the checker, an analyst and
    community safety officer (who may import data and partnerships)."""
    run(safer, data, "agency", "add", "Independent checks")
    run(safer, data, "user", "add", CHECKER, "--name", "Independent figure checks",
        "--agency", "Independent checks", "--roles", "analyst,community_safety_officer")
    return data


def fy_months(start, last=None):
    months = [f"{start}-{m:02d}" for m in range(4, 13)] + [f"{start + 1}-{m:02d}" for m in range(1, 4)]
    return months if last is None else months[: months.index(last) + 1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--safer", required=True)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared" / "data"))
    args = ap.parse_args()
    shared = Path(args.shared)
    leics = shared / "police-uk" / "leicestershire"
    config_path = ROOT / "examples" / "charnwood" / "partnership.toml"

    tmp = Path(tempfile.mkdtemp(prefix="safer-check-"))
    data = new_data_dir(args.safer, tmp / "data")
    run(args.safer, data, "import", "police-uk", str(leics / "street-charnwood-only"))
    run(args.safer, data, "import", "police-uk", str(leics / "street-full-force"))
    run(args.safer, data, "import", "partnership", str(config_path))

    # Every Charnwood record, read by DuckDB from the files as published.
    con = duckdb.connect()
    files = [str(p) for p in sorted((leics / "street-charnwood-only").glob("*.csv"))]
    rows = con.execute(
        """
        SELECT "Month" AS month, "Crime type" AS cat,
               TRY_CAST("Longitude" AS DOUBLE) AS lon, TRY_CAST("Latitude" AS DOUBLE) AS lat
        FROM read_csv(?, header = true, all_varchar = true)
        WHERE regexp_matches("LSOA name", '^Charnwood [0-9]{3}[A-Z]$')
        """,
        [files],
    ).fetchall()
    held = {Path(f).name[:7] for f in files}

    # Beats, placed independently: shapely point-in-polygon on the wards the
    # configuration names; a point in no ward goes to the nearest ward
    # within 250 m, the documented rule.
    config = tomllib.loads(config_path.read_text())
    wards = {}
    for f in config["boundaries"]["files"]:
        for feat in json.loads((config_path.parent / f).read_text())["features"]:
            wards[feat["properties"]["name"]] = shape(feat["geometry"])
    beat_of_ward = {w: b["name"] for b in config["beats"] for w in b["areas"]}
    names = list(wards)
    tree = STRtree([wards[n] for n in names])
    placed = {}

    def beat(lon, lat):
        if lon is None:
            return None
        key = (lon, lat)
        if key not in placed:
            p = Point(lon, lat)
            hits = [names[i] for i in tree.query(p, predicate="intersects")]
            if hits:
                placed[key] = beat_of_ward[sorted(hits)[0]]
            else:
                kx = 111_320.0 * math.cos(math.radians(lat))
                best = min(names, key=lambda n: distance_m(wards[n], lon, lat, kx))
                d = distance_m(wards[best], lon, lat, kx)
                placed[key] = beat_of_ward[best] if d <= NEAREST_LIMIT_M else None
        return placed[key]

    records = [(m, c, beat(lon, lat)) for (m, c, lon, lat) in rows]

    def count(months, cats, beat_name="*"):
        return sum(1 for (m, c, b) in records if m in months and c in cats and (beat_name == "*" or b == beat_name))

    cases = [("2023/24", None, 2023), ("2022/23", None, 2022), ("2024/25", "2024-12", 2024)]
    for year, as_at, start in cases:
        extra = ["--as-at", as_at] if as_at else []
        a = json.loads(run(args.safer, data, "assess", "--district", "Charnwood", "--year", year,
                           "--json", "--out", str(tmp / f"out-{start}"), *extra))
        cur = fy_months(start, as_at)
        prev = [f"{int(m[:4]) - 1}{m[4:]}" for m in cur]
        comparable = [m for m in cur if m in held and f"{int(m[:4]) - 1}{m[4:]}" in held]
        comparable_prev = [f"{int(m[:4]) - 1}{m[4:]}" for m in comparable]
        check(f"{year} comparable months", a["comparison"]["comparable_months"], comparable)
        check(f"{year} previous months missing", a["comparison"]["previous_months_missing"], [m for m in prev if m not in held])
        rows_by = {r["category"]: r for r in a["categories"]}
        groups = {g["name"]: g["categories"] for g in config.get("groups", [])}
        selectors = {"All crime": CATEGORIES, ASB: [ASB], **{c: [c] for c in CATEGORIES}, **groups}
        check(f"{year} category rows", sorted(rows_by), sorted(selectors))
        population = 183_900
        for label, cats in selectors.items():
            r = rows_by[label]
            check(f"{year} {label} current", r["current"], count(cur, cats))
            check(f"{year} {label} previous", r["previous"], count(prev, cats))
            cc, cp = count(comparable, cats), count(comparable_prev, cats)
            check(f"{year} {label} compared current", r["compared_current"], cc)
            check(f"{year} {label} compared previous", r["compared_previous"], cp)
            check(f"{year} {label} change", r["change"], cc - cp)
            want_pct = None if cp == 0 else (cc - cp) / cp * 100
            if (r["change_pct"] is None) != (want_pct is None) or (want_pct is not None and abs(r["change_pct"] - want_pct) > 1e-9):
                failures.append(f"{year} {label} change_pct: {r['change_pct']} vs {want_pct}")
            if abs(r["rate_per_1000"] - count(cur, cats) * 1000 / population) > 1e-9:
                failures.append(f"{year} {label} rate_per_1000: {r['rate_per_1000']}")
        district_all = count(cur, CATEGORIES)
        for b in a["beats"]:
            check(f"{year} {b['beat']} current", b["current"], count(cur, CATEGORIES, b["beat"]))
            check(f"{year} {b['beat']} previous", b["previous"], count(prev, CATEGORIES, b["beat"]))
            bcc = count(comparable, CATEGORIES, b["beat"])
            bcp = count(comparable_prev, CATEGORIES, b["beat"])
            check(f"{year} {b['beat']} compared", (b["compared_previous"], b["compared_current"], b["change"]), (bcp, bcc, bcc - bcp))
            if abs(b["share"] - b["current"] * 100 / district_all) > 1e-9:
                failures.append(f"{year} {b['beat']} share {b['share']}")
        check(f"{year} unplaced", a["unplaced"]["current"], count(cur, CATEGORIES, None))
        print(f"checked {year}{' to ' + as_at if as_at else ''}: {len(selectors)} category rows, {len(a['beats'])} beats")

    check_national(args.safer, shared, tmp)

    if failures:
        print("\n".join(["DIFFERENCES:"] + failures), file=sys.stderr)
        sys.exit(1)
    print("every published figure agrees with the independent computation")


# Welsh principal areas by police force: the England lookup below has no Wales.
WALES = {
    "dyfed-powys": ["Carmarthenshire", "Ceredigion", "Pembrokeshire", "Powys"],
    "gwent": ["Blaenau Gwent", "Caerphilly", "Monmouthshire", "Newport", "Torfaen"],
    "north-wales": ["Conwy", "Denbighshire", "Flintshire", "Gwynedd", "Isle of Anglesey", "Wrexham"],
    "south-wales": ["Bridgend", "Cardiff", "Merthyr Tydfil", "Neath Port Talbot", "Rhondda Cynon Taf",
                    "Swansea", "The Vale of Glamorgan"],
}
# Districts the England lookup leaves without a force whose force has no file
# in the national month (so the month's records cannot show it).
NOT_IN_LOOKUP = {"Broxtowe": "nottinghamshire", "Gedling": "nottinghamshire", "Rushcliffe": "nottinghamshire"}


def slug(force):
    return {"Metropolitan Police": "metropolitan"}.get(force, force.lower().replace(" ", "-"))


def check_national(safer, shared, tmp):
    """Every district of the April 2022 national month: its own force is the
    police force area holding it (the England LSOA lookup, the Welsh areas
    above; where the lookup is blank, the territorial force holding most of
    the district's records, whose file the month holds). A district whose
    own force's file is held must have every category count equal DuckDB's
    row count over all files; any other must be refused."""
    national = shared / "police-uk" / "national-2022-04"
    data = new_data_dir(safer, tmp / "national")
    run(safer, data, "import", "police-uk", str(national))
    con = duckdb.connect()
    files = [str(p) for p in sorted(national.glob("*-street.csv"))]
    rows = con.execute(
        """
        SELECT regexp_extract(filename, '2022-04-(.*)-street\\.csv$', 1) AS force,
               regexp_extract("LSOA name", '^(.*) [0-9]{3}[A-Z]$', 1) AS district,
               "Crime type" AS cat, count(*) AS n
        FROM read_csv(?, header = true, all_varchar = true, quote = '"', escape = '"', filename = true)
        WHERE regexp_matches("LSOA name", '^.* [0-9]{3}[A-Z]$')
        GROUP BY ALL
        """,
        [files],
    ).fetchall()
    forces_held = {Path(f).name[len("2022-04-"):-len("-street.csv")] for f in files}
    by_district = {}
    for force, district, cat, n in rows:
        by_district.setdefault(district, {}).setdefault(force, {})[cat] = n

    own = {}
    with (shared / "reference-national" / "lsoa2011_msoa_lad_force_lookup_england.csv").open(newline="") as f:
        for r in csv.DictReader(f):
            if r["Police_force"]:
                own[re.sub(r" [0-9]{3}[A-Z]$", "", r["LSOA Name"])] = slug(r["Police_force"])
    for force, districts in WALES.items():
        own.update({d: force for d in districts})
    own.update(NOT_IN_LOOKUP)

    checked = refused = 0
    for district, by_force in sorted(by_district.items()):
        force = own.get(district)
        if force is None:
            territorial = {f: sum(c.values()) for f, c in by_force.items() if f != "btp"}
            force = max(territorial, key=territorial.get)
        held = force in forces_held and force in by_force
        out = subprocess.run(
            [safer, "--data-dir", str(data), "assess", "--district", district, "--year", "2022/23",
             "--as-at", "2022-04", "--json", "--no-pdf", "--out", str(tmp / "national-out")],
            capture_output=True, text=True)
        if not held:
            refused += 1
            if out.returncode == 0 or "no month of" not in out.stderr.lower():
                failures.append(f"national {district}: its force {force} has no file, so it must be refused: {out.stderr[-300:]}")
            continue
        if out.returncode != 0:
            failures.append(f"national {district}: safer failed: {out.stderr[-300:]}")
            continue
        checked += 1
        a = json.loads(out.stdout)
        check(f"national {district} forces", a["forces"], [force])
        cats = {}
        for c in by_force.values():
            for k, n in c.items():
                cats[k] = cats.get(k, 0) + n
        rows_by = {r["category"]: r for r in a["categories"]}
        for label, members in {"All crime": CATEGORIES, ASB: [ASB], **{c: [c] for c in CATEGORIES}}.items():
            check(f"national {district} {label}", rows_by[label]["current"], sum(cats.get(c, 0) for c in members))
        other = {f: sum(c.values()) for f, c in by_force.items() if f != force}
        check(f"national {district} other forces", dict(a["other_forces"]), other)
    print(f"checked the national month: {checked} districts held, every category; {refused} refused (own force not held)")


def distance_m(geom, lon, lat, kx):
    """Distance in metres from a point to a polygon's boundary, on the same
    local flat approximation Safer documents (x scaled by cos(latitude))."""
    best = math.inf
    polys = getattr(geom, "geoms", [geom])
    for poly in polys:
        for ring in [poly.exterior, *poly.interiors]:
            pts = list(ring.coords)
            for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
                ax, ay = (x0 - lon) * kx, (y0 - lat) * 111_320.0
                bx, by = (x1 - lon) * kx, (y1 - lat) * 111_320.0
                dx, dy = bx - ax, by - ay
                l2 = dx * dx + dy * dy
                t = 0.0 if l2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / l2))
                px, py = ax + t * dx, ay + t * dy
                best = min(best, math.hypot(px, py))
    return best


if __name__ == "__main__":
    main()
