#!/usr/bin/env python3
"""Check the Charnwood example beats (standard library only, Python 3.11+).

Reads partnership.toml, the ward boundary file(s) it names under
[boundaries] files, and locality_points.csv, then checks that:

  1. every locality point lies in exactly one ward, and that ward is the
     `ward_found` the CSV claims (ray casting, holes respected);
  2. the beats' `areas` name real wards and cover every ward exactly once,
     every beat has at least one ward, and beat keys are only
     name / localities / areas / method;
  3. every beat has at least one locality point, and every point's beat
     is a beat of the toml;
  4. a ward that holds locality points is given to the beat with most of
     them (a tie is reported, not failed);
  5. a ward that holds no point is given to a beat it shares a boundary
     with (the shared edges are printed so the choice can be judged).

Each point's distance to the nearest edge of its ward is printed; points
closer than 150 m are marked, because the points are approximate.

Usage:  python3 check_beats.py [partnership.toml] [locality_points.csv]
Exit status 0 when every check passes, 1 otherwise.
"""

import csv
import json
import math
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
BEAT_KEYS = {"name", "localities", "areas", "method"}
NEAR_EDGE_M = 150.0
M_PER_DEG = 111_320.0


def polygons_of(geometry):
    """A list of polygons, each a list of rings of (lon, lat)."""
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "Polygon":
        polys = [coords]
    elif kind == "MultiPolygon":
        polys = coords
    else:
        raise ValueError(f"unsupported geometry type {kind!r}")
    return [[[(float(p[0]), float(p[1])) for p in ring] for ring in poly] for poly in polys]


def in_ring(x, y, ring):
    inside = False
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % n]
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def contains(polys, x, y):
    return any(in_ring(x, y, p[0]) and not any(in_ring(x, y, h) for h in p[1:]) for p in polys)


def edges(polys):
    for poly in polys:
        for ring in poly:
            for i in range(len(ring)):
                a, b = ring[i], ring[(i + 1) % len(ring)]
                if a != b:
                    yield a, b


def metres(a, b, lat0):
    k = math.cos(math.radians(lat0))
    return math.hypot((b[0] - a[0]) * k * M_PER_DEG, (b[1] - a[1]) * M_PER_DEG)


def distance_to_edge(polys, x, y):
    """Metres from (x, y) to the nearest edge (local equirectangular)."""
    k = math.cos(math.radians(y))
    best = math.inf
    for a, b in edges(polys):
        ax, ay = (a[0] - x) * k * M_PER_DEG, (a[1] - y) * M_PER_DEG
        bx, by = (b[0] - x) * k * M_PER_DEG, (b[1] - y) * M_PER_DEG
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
        best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


def shared_edges_km(wards):
    """Length of boundary shared by each pair of wards, in km.

    Neighbouring wards cut from one ONS product share their vertices, so
    a shared edge is a segment present (either way round) in both."""
    segs = {}
    for name, polys in wards.items():
        segs[name] = {tuple(sorted((a, b))) for a, b in edges(polys)}
    lat0 = sum(b[1] for s in segs.values() for seg in s for b in seg) / sum(2 * len(s) for s in segs.values())
    shared = defaultdict(dict)
    names = list(wards)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            common = segs[a] & segs[b]
            if common:
                km = sum(metres(p, q, lat0) for p, q in common) / 1000
                shared[a][b] = shared[b][a] = km
    return shared


def main(argv):
    toml_path = Path(argv[1]) if len(argv) > 1 else HERE / "partnership.toml"
    csv_path = Path(argv[2]) if len(argv) > 2 else HERE / "locality_points.csv"
    failures = []

    def fail(msg):
        failures.append(msg)
        print(f"  FAIL {msg}")

    config = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    base = toml_path.resolve().parent

    # Wards, by name; codes map to names so areas may use either.
    wards, code_to_name = {}, {}
    for rel in config.get("boundaries", {}).get("files", []):
        doc = json.loads((base / rel).read_text(encoding="utf-8"))
        for feat in doc["features"]:
            props = feat["properties"]
            name, code = props["name"], props.get("code", props["name"])
            if name in wards:
                fail(f"ward name {name!r} appears twice in the boundary files")
            wards[name] = polygons_of(feat["geometry"])
            code_to_name[code] = name
    print(f"{len(wards)} wards read from {', '.join(config['boundaries']['files'])}")

    # --- 1. locality points -------------------------------------------------
    print(f"\n1. Locality points ({csv_path.name})")
    with csv_path.open(newline="", encoding="utf-8") as f:
        points = list(csv.DictReader(f))
    for p in points:
        x, y = float(p["longitude"]), float(p["latitude"])
        found = [n for n, polys in wards.items() if contains(polys, x, y)]
        if len(found) != 1:
            fail(f"{p['locality']}: point ({x}, {y}) lies in {len(found)} wards {found}")
            continue
        if found[0] != p["ward_found"]:
            fail(f"{p['locality']}: point lies in {found[0]!r}, CSV says {p['ward_found']!r}")
            continue
        d = distance_to_edge(wards[found[0]], x, y)
        mark = "  <- near edge" if d < NEAR_EDGE_M else ""
        print(f"  ok   {p['locality']:<30} {p['beat']:<8} in {found[0]} ({d:,.0f} m from its edge){mark}")

    # --- 2. areas cover every ward exactly once ------------------------------
    print("\n2. Beat areas (partnership.toml)")
    beats = config.get("beats", [])
    ward_to_beat = {}
    before = len(failures)
    for beat in beats:
        extra = set(beat) - BEAT_KEYS
        if extra:
            fail(f"{beat.get('name')}: unknown keys {sorted(extra)}")
        areas = beat.get("areas", [])
        if not areas:
            fail(f"{beat.get('name')}: no areas")
        for area in areas:
            name = area if area in wards else code_to_name.get(area)
            if name is None:
                fail(f"{beat['name']}: {area!r} is not a ward name or code")
            elif name in ward_to_beat:
                fail(f"{name!r} is in both {ward_to_beat[name]} and {beat['name']}")
            else:
                ward_to_beat[name] = beat["name"]
        print(f"  {beat['name']}: {', '.join(areas)}")
    missing = [w for w in wards if w not in ward_to_beat]
    if missing:
        fail(f"wards in no beat: {missing}")
    if len(failures) == before:
        print(f"  ok   all {len(wards)} wards are in exactly one of {len(beats)} beats")

    # --- 3. beats and points match ------------------------------------------
    print("\n3. Beats and points")
    before = len(failures)
    beat_names = [b["name"] for b in beats]
    dupes = [n for n, c in Counter(beat_names).items() if c > 1]
    if dupes:
        fail(f"beat names repeated: {dupes}")
    point_beats = {p["beat"] for p in points}
    for b in beat_names:
        if b not in point_beats:
            fail(f"{b} has no locality point")
    for b in sorted(point_beats - set(beat_names)):
        fail(f"locality_points.csv names {b!r}, which is not a beat in the toml")
    if len(failures) == before:
        print(f"  ok   every one of the {len(beat_names)} beats has locality points")

    # --- 4 & 5. the assignment rule ------------------------------------------
    print("\n4. Wards holding points go to the beat with most of them")
    by_ward = defaultdict(Counter)
    for p in points:
        by_ward[p["ward_found"]][p["beat"]] += 1
    for ward, counts in sorted(by_ward.items()):
        top = max(counts.values())
        leaders = sorted(b for b, c in counts.items() if c == top)
        given = ward_to_beat.get(ward)
        summary = ", ".join(f"{b} x{c}" for b, c in counts.most_common())
        if given not in leaders:
            fail(f"{ward}: points {summary}, but given to {given}")
        elif len(leaders) > 1:
            print(f"  TIE  {ward}: points {summary}; given to {given} (judgement call, see README)")
        else:
            print(f"  ok   {ward}: {summary} -> {given}")

    print("\n5. Wards holding no point go to a neighbouring beat")
    shared = shared_edges_km(wards)
    for ward in sorted(w for w in wards if w not in by_ward):
        given = ward_to_beat.get(ward)
        if given is None:
            continue  # already reported under 2
        nbrs = sorted(shared.get(ward, {}).items(), key=lambda kv: -kv[1])
        desc = "; ".join(f"{n} ({ward_to_beat.get(n)}) {km:.1f} km" for n, km in nbrs if km >= 0.05)
        if not any(ward_to_beat.get(n) == given for n, km in nbrs if km >= 0.05):
            fail(f"{ward}: given to {given}, which it shares no boundary with; neighbours: {desc}")
        else:
            print(f"  ok   {ward} -> {given}; shared edges: {desc}")

    print()
    if failures:
        print(f"FAILED: {len(failures)} problem(s)")
        return 1
    print("PASSED: every point is in the ward it claims, and the 24 wards are each in exactly one beat."
          if len(wards) == 24 else "PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
