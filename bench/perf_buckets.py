#!/usr/bin/env python3
"""Where `safer import police-uk` spends its time: groups `perf script`
samples into a few buckets by their call stacks.

    CARGO_TARGET_DIR=/tmp/prof-target CARGO_PROFILE_RELEASE_DEBUG=line-tables-only \\
        RUSTFLAGS="-C force-frame-pointers=yes" cargo build --release -p safer
    perf record -e cpu-clock -F 499 --call-graph dwarf,16384 -o /tmp/perf.data -- \\
        /tmp/prof-target/release/safer --data-dir /tmp/p import police-uk bench-data
    perf script -i /tmp/perf.data > /tmp/perf.txt
    python3 bench/perf_buckets.py /tmp/perf.txt

Each sample goes to the first bucket (in the order below) that any frame of
its stack matches; the stacks need inlined frames (debug line tables).
"""

from __future__ import annotations

import re
import sys
from collections import Counter

MALLOC = re.compile(r"\b(_int_malloc|__GI___libc_malloc|malloc|_int_free|__GI___libc_free|cfree|malloc_consolidate|unlink_chunk[\w.]*|sysmalloc)\+")

# (bucket, test on the list of frame strings, leaf first)
BUCKETS = [
    (
        "Crime ID duplicate check: to_vec + FxHashSet<Vec<u8>> insert/grow/drop",
        lambda fr: any(
            ("insert<alloc::vec::Vec<u8, alloc::alloc::Global>, rustc_hash::FxBuildHasher" in f)
            or ("to_vec<u8>" in f)
            or ("HashSet<alloc::vec::Vec<u8" in f)
            for f in fr
        )
        # Dictionary inserts happen only for a new LSOA, location or outcome
        # (rare), so an insert or table growth under `row` is the crime-ID set.
        or (
            any("HashMap<K,V,S,A>::insert" in f or "reserve_rehash" in f for f in fr)
            and any(f.startswith("row+") for f in fr)
        ),
    ),
    ("malloc/free elsewhere (incl. consolidating the crime-ID chunks)", lambda fr: bool(MALLOC.search(fr[0]))),
    ("creating store files (openat/ext4 inode allocation)", lambda fr: any("do_sys_openat2" in f for f in fr)),
    ("reading the CSVs (read syscall, page-cache copy)", lambda fr: any("std::fs::read" in f or "ksys_read" in f for f in fr)),
    ("writing the store (encode + write + rename/fsync)", lambda fr: any(s in f for f in fr for s in ("Staging::write", "codec::encode", "ksys_write", "fsync", "commit"))),
    ("dictionary lookups (LSOA, location, outcome: hash + memcmp)", lambda fr: any("HashMap<K,V,S,A>::get" in f or "get_inner<" in f for f in fr) or "memcmp" in fr[0]),
    ("splitting lines and fields (memchr, next_raw)", lambda fr: "memchr" in fr[0] or "next_raw" in fr[0] or any(f.startswith("next_raw+") for f in fr[:6])),
    ("field parsing (coordinates, month, category, UTF-8)", lambda fr: any(s in f for f in fr[:4] for s in ("micro_degrees", "parse_bytes", "from_name", "from_utf8", "Utf8Chunks"))),
    (
        "moving each row's 12-field array between functions (memcpy)",
        lambda fr: "memcpy" in fr[0] and any(s in f for f in fr[1:4] for s in ("next_row", "next_raw", "police_uk::parse")),
    ),
    ("rest of parse (Builder::row, column pushes)", lambda fr: any("police_uk::parse" in f or f.startswith("row+") for f in fr)),
    ("dropping parsed tables", lambda fr: any("drop_in_place" in f for f in fr)),
    ("kernel: page faults, memory", lambda fr: any(s in f for f in fr for s in ("exc_page_fault", "mmap", "munmap", "brk", "mprotect"))),
]


def frames(sample: str) -> list[str]:
    out = []
    for line in sample.splitlines()[1:]:
        parts = line.strip().split(None, 1)
        if len(parts) == 2:
            out.append(parts[1])
    return out


def main() -> int:
    text = open(sys.argv[1]).read()
    counts: Counter[str] = Counter()
    total = 0
    for sample in text.split("\n\n"):
        fr = frames(sample)
        if not fr:
            continue
        total += 1
        for name, test in BUCKETS:
            if test(fr):
                counts[name] += 1
                break
        else:
            counts["other (startup, rayon, kernel misc.)"] += 1
    print(f"{total} samples")
    for name, n in counts.most_common():
        print(f"{100 * n / total:5.1f}%  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
