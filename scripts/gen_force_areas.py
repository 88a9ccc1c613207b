#!/usr/bin/env python3
"""Writes crates/safer-domain/src/force_area/table.rs: the police force area of
every local authority district of England and Wales, by the district name
police.uk's LSOA names begin with.

Police force areas are made of whole districts (Police Act 1996, Schedule 1).
Sources: the LSOA 2011 -> local authority -> force lookup for England in
../shared/data/reference-national (PyPI crime-sim-toolkit; 53 districts have
no force there and are filled in below), the 22 Welsh principal areas, and the
districts created since 2011 (from the Census 2021 district list), whose LSOA
names police.uk uses from 2023. The result is checked against the April 2022
police.uk month: every district held there must have its records mostly in
its own force's file.

Usage: python3 scripts/gen_force_areas.py [--shared ../shared/data]
"""
import argparse
import collections
import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "safer-domain" / "src" / "force_area" / "table.rs"

# The police.uk file-name form of each force ("Metropolitan Police" is
# "metropolitan" in police.uk's files).
SLUG = {"Metropolitan Police": "metropolitan"}

# Districts the England lookup leaves without a force.
FILL = {
    "Avon and Somerset": ["Mendip", "Sedgemoor", "South Somerset", "Taunton Deane", "West Somerset"],
    "Devon and Cornwall": ["East Devon", "Mid Devon", "North Devon", "South Hams", "Teignbridge", "Torridge", "West Devon"],
    "Dorset": ["Christchurch", "East Dorset", "North Dorset", "Purbeck", "West Dorset", "Weymouth and Portland"],
    "Hampshire": ["Basingstoke and Deane", "Hart", "Rushmoor"],
    "Hertfordshire": ["East Hertfordshire", "St Albans", "Stevenage", "Welwyn Hatfield"],
    "Kent": ["Dartford", "Gravesham"],
    "North Yorkshire": ["Craven", "Hambleton", "Harrogate", "Richmondshire", "Ryedale", "Scarborough", "Selby"],
    "Northamptonshire": ["Daventry", "South Northamptonshire"],
    "Northumbria": ["Gateshead", "Northumberland"],
    "Nottinghamshire": ["Broxtowe", "Gedling", "Rushcliffe"],
    "Suffolk": ["Babergh", "Forest Heath", "Mid Suffolk", "St Edmundsbury"],
    "Warwickshire": ["Stratford-on-Avon", "Warwick"],
    "West Mercia": ["Bromsgrove", "Malvern Hills", "Redditch", "Worcester", "Wychavon", "Wyre Forest"],
}

WALES = {
    "Dyfed-Powys": ["Carmarthenshire", "Ceredigion", "Pembrokeshire", "Powys"],
    "Gwent": ["Blaenau Gwent", "Caerphilly", "Monmouthshire", "Newport", "Torfaen"],
    "North Wales": ["Conwy", "Denbighshire", "Flintshire", "Gwynedd", "Isle of Anglesey", "Wrexham"],
    "South Wales": ["Bridgend", "Cardiff", "Merthyr Tydfil", "Neath Port Talbot", "Rhondda Cynon Taf",
                    "Swansea", "The Vale of Glamorgan"],
}

# Districts created since the 2011 LSOAs were named, and the unitary
# authorities of April 2023, in case police.uk's LSOA names follow them.
NEW = {
    "Avon and Somerset": ["Somerset West and Taunton", "Somerset"],
    "Dorset": ["Bournemouth, Christchurch and Poole", "Dorset"],
    "Thames Valley": ["Buckinghamshire"],
    "Northamptonshire": ["North Northamptonshire", "West Northamptonshire"],
    "Kent": ["Folkestone and Hythe"],
    "Suffolk": ["East Suffolk", "West Suffolk"],
    "Cumbria": ["Cumberland", "Westmorland and Furness"],
    "North Yorkshire": ["North Yorkshire"],
}


def rust_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def slug(force):
    return SLUG.get(force, force.lower().replace(" ", "-"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared" / "data"))
    args = ap.parse_args()
    shared = Path(args.shared)
    table = {}
    lookup = shared / "reference-national" / "lsoa2011_msoa_lad_force_lookup_england.csv"
    with lookup.open(newline="") as f:
        for r in csv.DictReader(f):
            if r["Police_force"]:
                district = re.sub(r" [0-9]{3}[A-Z]$", "", r["LSOA Name"])
                old = table.setdefault(district, slug(r["Police_force"]))
                assert old == slug(r["Police_force"]), district
    for source in (FILL, WALES, NEW):
        for force, districts in source.items():
            for d in districts:
                old = table.setdefault(d, slug(force))
                assert old == slug(force), (d, old, force)

    # Check: in the national month, each district's records lie mostly in its
    # own force's file whenever that file is held (British Transport Police
    # polices the railways everywhere and is never a district's force).
    national = shared / "police-uk" / "national-2022-04"
    counts = collections.defaultdict(collections.Counter)
    forces = set()
    for p in sorted(national.glob("*-street.csv")):
        force = p.name[len("2022-04-"):-len("-street.csv")]
        forces.add(force)
        with p.open(newline="") as f:
            for r in csv.DictReader(f):
                m = re.fullmatch(r"(.*) [0-9]{3}[A-Z]", r["LSOA name"])
                if m:
                    counts[m.group(1)][force] += 1
    for district, by_force in counts.items():
        own = table.get(district)
        assert own is not None, f"{district} is in no force area"
        if own in forces:
            territorial = {f: n for f, n in by_force.items() if f != "btp"}
            top = max(territorial, key=territorial.get)
            assert top == own, (district, own, by_force.most_common(3))

    lines = [
        "// Generated by scripts/gen_force_areas.py; do not edit by hand.",
        "//",
        "// The police force area (police.uk's file-name form) of every local",
        "// authority district of England and Wales, by the district name that",
        "// police.uk's LSOA names begin with, sorted by name.",
        "",
        "pub(super) const FORCE_AREAS: &[(&str, &str)] = &[",
    ]
    for d in sorted(table):
        lines.append(f"    ({rust_str(d)}, {rust_str(table[d])}),")
    lines.append("];")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(table)} districts")


if __name__ == "__main__":
    main()
