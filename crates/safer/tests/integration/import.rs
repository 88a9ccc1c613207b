//! `safer import police-uk`: all or nothing, replace not duplicate, and a
//! report that says what happened.

use std::path::Path;

use crate::helpers::*;

#[test]
fn a_failed_import_leaves_the_data_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let data = data_dir(&tmp);
    safer_ok(
        &data,
        &[
            "import",
            "police-uk",
            charnwood_only()
                .join("2023-04-leicestershire-street.csv")
                .to_str()
                .unwrap(),
        ],
    );
    let before = snapshot(&data);

    // A folder of two good files and one with a bad row in the middle.
    let src = tmp.path().join("incoming");
    std::fs::create_dir(&src).unwrap();
    for m in ["2023-04", "2023-05"] {
        let name = format!("{m}-leicestershire-street.csv");
        std::fs::copy(charnwood_only().join(&name), src.join(&name)).unwrap();
    }
    let good = std::fs::read_to_string(charnwood_only().join("2023-06-leicestershire-street.csv"))
        .unwrap();
    let mut lines: Vec<String> = good.lines().map(str::to_owned).collect();
    lines[499] = lines[499].replacen(",2023-06,", ",June 2023,", 1);
    std::fs::write(
        src.join("2023-06-leicestershire-street.csv"),
        lines.join("\n"),
    )
    .unwrap();

    let out = safer(&data, &["import", "police-uk", src.to_str().unwrap()]);
    assert!(!out.status.success());
    let e = stderr(&out);
    assert!(
        e.contains("2023-06-leicestershire-street.csv")
            && e.contains("line 500")
            && e.contains("\"Month\""),
        "{e}"
    );
    assert_eq!(
        snapshot(&data),
        before,
        "nothing of the failed import is kept"
    );
}

#[test]
fn reimporting_replaces_and_never_doubles() {
    let tmp = tempfile::tempdir().unwrap();
    let data = data_dir(&tmp);
    let dir = charnwood_only();
    safer_ok(&data, &["import", "police-uk", dir.to_str().unwrap()]);
    let first = assess_json(&data, &tmp.path().join("o1"), "Charnwood", "2023/24", None);
    let out = safer_ok(
        &data,
        &["import", "police-uk", dir.to_str().unwrap(), "--json"],
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["replaced"].as_array().unwrap().len(), 35);
    let second = assess_json(&data, &tmp.path().join("o2"), "Charnwood", "2023/24", None);
    assert_eq!(first["categories"], second["categories"]);
    assert_eq!(row(&second, "All crime").0, 13_894);
}

#[test]
fn the_import_report_gives_rows_per_month_and_the_missing_months() {
    let tmp = tempfile::tempdir().unwrap();
    let data = data_dir(&tmp);
    let out = safer_ok(
        &data,
        &[
            "import",
            "police-uk",
            charnwood_only().to_str().unwrap(),
            "--json",
        ],
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["files"], 35);
    assert_eq!(r["rows_read"], 46_061);
    assert_eq!(r["rows_kept"], 46_061);
    assert_eq!(
        r["missing_months"]["leicestershire"],
        serde_json::json!(["2022-12"])
    );
    let jan = r["months"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["month"] == "2022-01")
        .unwrap();
    assert_eq!(jan["rows_read"], 1334);

    // Without --json the same report is printed for people.
    let out = safer_ok(
        &data,
        &[
            "import",
            "police-uk",
            charnwood_only()
                .join("2022-11-leicestershire-street.csv")
                .to_str()
                .unwrap(),
        ],
    );
    let text = stderr(&out);
    assert!(
        text.contains("2022-11")
            && text.contains("1285")
            && text.contains("MISSING 1 month(s)")
            && text.contains("2022-12"),
        "{text}"
    );
}

#[test]
fn the_same_force_month_twice_in_one_import_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let data = data_dir(&tmp);
    let out = safer(
        &data,
        &[
            "import",
            "police-uk",
            charnwood_only().to_str().unwrap(),
            full_force().to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("given twice"), "{}", stderr(&out));
    assert!(!Path::new(&data).join("crimes/manifest.json").exists());
}

#[test]
fn crlf_and_lf_files_import_alike() {
    // The 2022 files are CRLF, the 2023-24 files LF (PROVENANCE.md).
    let crlf = std::fs::read(charnwood_only().join("2022-01-leicestershire-street.csv")).unwrap();
    assert!(crlf.windows(2).any(|w| w == b"\r\n"));
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("lf");
    std::fs::create_dir(&src).unwrap();
    let lf: Vec<u8> = String::from_utf8(crlf)
        .unwrap()
        .replace("\r\n", "\n")
        .into_bytes();
    std::fs::write(src.join("2022-01-leicestershire-street.csv"), lf).unwrap();
    let a = safer_ok(
        &data_dir_at(tmp.path().join("a")),
        &[
            "import",
            "police-uk",
            charnwood_only()
                .join("2022-01-leicestershire-street.csv")
                .to_str()
                .unwrap(),
            "--json",
        ],
    );
    let b = safer_ok(
        &data_dir_at(tmp.path().join("b")),
        &["import", "police-uk", src.to_str().unwrap(), "--json"],
    );
    let ra: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    let rb: serde_json::Value = serde_json::from_slice(&b.stdout).unwrap();
    assert_eq!(ra["rows_kept"], 1334);
    assert_eq!(ra["rows_kept"], rb["rows_kept"]);
}

pub fn national_month() -> std::path::PathBuf {
    shared_data().join("police-uk/national-2022-04")
}

/// Repeated Crime IDs per file, counted with the `csv` crate: (rows after
/// the first with their ID, of those identical in every field to the first).
fn independent_repeats(file: &Path) -> (u64, u64) {
    let mut first: std::collections::HashMap<String, csv::StringRecord> = Default::default();
    let (mut rows, mut identical) = (0, 0);
    for rec in csv::Reader::from_path(file).unwrap().records() {
        let rec = rec.unwrap();
        if rec[0].is_empty() {
            continue;
        }
        match first.get(&rec[0]) {
            None => {
                first.insert(rec[0].to_owned(), rec);
            }
            Some(f) => {
                rows += 1;
                if *f == rec {
                    identical += 1;
                }
            }
        }
    }
    (rows, identical)
}

/// police.uk counts rows, and some forces repeat a Crime ID on rows that
/// differ in place and outcome. Every row is kept; the repeats are reported
/// per file, in the import report and in `safer status`.
#[test]
fn repeated_crime_ids_are_kept_and_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let data = data_dir(&tmp);
    let out = safer_ok(
        &data,
        &[
            "import",
            "police-uk",
            national_month().to_str().unwrap(),
            "--json",
        ],
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // PROVENANCE.md: 354,083 rows in 39 files, 158 repeats in eight forces.
    assert_eq!(r["files"], 39);
    assert_eq!(r["rows_read"], 354_083);
    assert_eq!(r["rows_kept"], 354_083);
    assert_eq!(r["rows_skipped"], 0);
    let mut total = 0;
    for m in r["months"].as_array().unwrap() {
        let file = national_month().join(format!(
            "2022-04-{}-street.csv",
            m["force"].as_str().unwrap()
        ));
        let (rows, identical) = independent_repeats(&file);
        let rep = &m["repeated_crime_ids"];
        assert_eq!(rep["rows"], rows, "{}", m["force"]);
        assert_eq!(rep["identical"], identical, "{}", m["force"]);
        total += rows;
    }
    assert_eq!(total, 158);
    let by_force = |f: &str| {
        r["months"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["force"] == f)
            .unwrap()["repeated_crime_ids"]["rows"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(
        [
            by_force("avon-and-somerset"),
            by_force("northamptonshire"),
            by_force("cheshire"),
            by_force("city-of-london")
        ],
        [78, 45, 11, 11]
    );
    let status = String::from_utf8(safer_ok(&data, &["status"]).stdout).unwrap();
    assert!(
        status.contains("avon-and-somerset: 1 month(s) 2022-04 to 2022-04, 13945 records")
            && status.contains("2022-04 78 repeated"),
        "{status}"
    );
}

/// Lines of a police.uk file: the header and the first `keep` rows.
fn cut_file(from: &Path, to: &Path, keep: usize, month: Option<(&str, &str)>) {
    let text = std::fs::read_to_string(from).unwrap();
    let mut out: Vec<String> = text.lines().take(keep + 1).map(str::to_owned).collect();
    if let Some((old, new)) = month {
        for l in out.iter_mut().skip(1) {
            *l = l.replacen(&format!(",{old},"), &format!(",{new},"), 1);
        }
    }
    std::fs::write(to, out.join("\n") + "\n").unwrap();
}

/// A file cut at a line boundary is well-formed but is not a month: it is
/// refused with the figures, unless the person importing accepts it.
#[test]
fn a_short_file_is_refused_unless_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    let data = data_dir(&tmp);
    safer_ok(
        &data,
        &["import", "police-uk", charnwood_only().to_str().unwrap()],
    );
    let before = snapshot(&data);

    // June 2023 cut to half its 1,366 rows, replacing the full month.
    let src = tmp.path().join("cut");
    std::fs::create_dir(&src).unwrap();
    let june = src.join("2023-06-leicestershire-street.csv");
    cut_file(
        &charnwood_only().join("2023-06-leicestershire-street.csv"),
        &june,
        683,
        None,
    );
    let out = safer(&data, &["import", "police-uk", june.to_str().unwrap()]);
    assert!(!out.status.success());
    let e = stderr(&out);
    assert!(
        e.contains("leicestershire 2023-06: 683 rows, 50% of the 1366 rows")
            && e.contains("--accept-smaller"),
        "{e}"
    );
    assert_eq!(
        snapshot(&data),
        before,
        "nothing of a refused import is kept"
    );

    // A new month far below its neighbours (Oct–Dec 2024) is refused too.
    let jan = src.join("2025-01-leicestershire-street.csv");
    cut_file(
        &charnwood_only().join("2024-12-leicestershire-street.csv"),
        &jan,
        300,
        Some(("2024-12", "2025-01")),
    );
    let e = stderr(&safer(
        &data,
        &["import", "police-uk", jan.to_str().unwrap()],
    ));
    assert!(
        e.contains("2025-01: 300 rows") && e.contains("median"),
        "{e}"
    );
    // The limit can be set: 20% lets 300 of 1,153 through.
    let other = data_dir_at(tmp.path().join("other"));
    safer_ok(
        &other,
        &["import", "police-uk", charnwood_only().to_str().unwrap()],
    );
    safer_ok(
        &other,
        &[
            "import",
            "police-uk",
            jan.to_str().unwrap(),
            "--min-rows-percent",
            "20",
        ],
    );

    // Accepted, it is imported and the report says so.
    let out = safer_ok(
        &data,
        &[
            "import",
            "police-uk",
            june.to_str().unwrap(),
            "--accept-smaller",
            "--json",
        ],
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let accepted = r["accepted_smaller"].as_array().unwrap();
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0]["rows"], 683);
    assert_eq!(accepted[0]["reference"]["kind"], "replaced");
    assert_eq!(accepted[0]["reference"]["rows"], 1366);
    let third = data_dir_at(tmp.path().join("third"));
    let text = stderr(&safer_ok(
        &third,
        &["import", "police-uk", charnwood_only().to_str().unwrap()],
    ));
    assert!(!text.contains("smaller than expected"), "{text}");
    let text = stderr(&safer_ok(
        &third,
        &[
            "import",
            "police-uk",
            june.to_str().unwrap(),
            "--accept-smaller",
        ],
    ));
    assert!(
        text.contains("much smaller than expected") && text.contains("683 rows"),
        "{text}"
    );
}

/// police.uk's download is a zip of YYYY-MM/ folders holding street,
/// outcomes and stop-and-search files: it imports as it comes, and the
/// files left out are listed.
#[test]
fn the_police_uk_zip_imports_as_it_comes() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let z = tmp.path().join("police-uk-download.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&z).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    for m in ["2023-04", "2023-05"] {
        w.add_directory(format!("{m}/"), opts).unwrap();
        let name = format!("{m}-leicestershire-street.csv");
        w.start_file(format!("{m}/{name}"), opts).unwrap();
        w.write_all(&std::fs::read(charnwood_only().join(&name)).unwrap())
            .unwrap();
        w.start_file(format!("{m}/{m}-leicestershire-outcomes.csv"), opts)
            .unwrap();
        w.write_all(b"Crime ID,Month\n").unwrap();
        w.start_file(format!("{m}/{m}-leicestershire-stop-and-search.csv"), opts)
            .unwrap();
        w.write_all(b"Type,Date\n").unwrap();
    }
    w.start_file("README.txt", opts).unwrap();
    w.write_all(b"x").unwrap();
    w.finish().unwrap();

    let data = data_dir(&tmp);
    let out = safer_ok(
        &data,
        &["import", "police-uk", z.to_str().unwrap(), "--json"],
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["files"], 2);
    assert_eq!(r["rows_kept"], 1426 + 1396);
    let left: Vec<(&str, &str)> = r["left_out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["name"].as_str().unwrap(), l["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(left.len(), 5, "{left:?}");
    assert_eq!(left.iter().filter(|l| l.1 == "outcomes").count(), 2);
    assert_eq!(left.iter().filter(|l| l.1 == "stop_and_search").count(), 2);
    assert!(
        left.iter()
            .any(|l| l.0.ends_with("README.txt") && l.1 == "other")
    );
    // The store names each file by its place in the archive.
    let manifest = std::fs::read_to_string(data.join("crimes/manifest.json")).unwrap();
    assert!(manifest.contains("police-uk-download.zip/2023-04/2023-04-leicestershire-street.csv"));
    let text = stderr(&safer_ok(
        &data_dir_at(tmp.path().join("d2")),
        &["import", "police-uk", z.to_str().unwrap()],
    ));
    assert!(
        text.contains("Left out, not police.uk street-level files (5)")
            && text.contains("2023-04-leicestershire-outcomes.csv: a police.uk outcomes file"),
        "{text}"
    );
}

/// An import killed with SIGKILL at any point leaves the store as it was
/// (or, past the commit, as the import left it) and never blocks the next
/// import: the lock dies with the process.
#[test]
fn a_killed_import_blocks_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let data = data_dir(&tmp);
    safer_ok(
        &data,
        &["import", "police-uk", charnwood_only().to_str().unwrap()],
    );
    let start = std::time::Instant::now();
    let spawn = || {
        safer_command(&data)
            .args(["import", "police-uk", full_force().to_str().unwrap()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    // How long one import takes here, so the kills spread across all of it.
    let probe = tempfile::tempdir().unwrap();
    let t0 = std::time::Instant::now();
    safer_ok(
        &data_dir_at(probe.path().join("data")),
        &["import", "police-uk", full_force().to_str().unwrap()],
    );
    let whole = t0.elapsed().as_micros().max(1_000) as u64;
    let one_file = charnwood_only().join("2022-01-leicestershire-street.csv");

    let mut seed: u64 = 0x5afe_2026;
    let mut states = std::collections::BTreeSet::new();
    for trial in 0..24u64 {
        // A spread of points through the import, jittered (splitmix64).
        seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        let jitter = (z ^ (z >> 31)) % (whole / 24 + 1);
        let at = whole * trial / 24 + jitter;
        let mut child = spawn();
        std::thread::sleep(std::time::Duration::from_micros(at));
        let _ = child.kill();
        child.wait().unwrap();
        // The store reads whole: every entry decodes, and the Charnwood
        // figures are those of the old store or of the finished import.
        let a = assess_json(&data, &tmp.path().join("out"), "Charnwood", "2023/24", None);
        let all = row(&a, "All crime").0;
        assert_eq!(all, 13_894, "trial {trial} at {at} µs");
        let manifest = std::fs::read_to_string(data.join("crimes/manifest.json")).unwrap();
        states.insert(manifest.contains("street-full-force"));
        // And nothing is locked: an import straight after succeeds.
        safer_ok(&data, &["import", "police-uk", one_file.to_str().unwrap()]);
    }
    assert!(
        states.contains(&false),
        "no kill landed before the import finished"
    );
    // The next import succeeds: no lock is left behind.
    safer_ok(
        &data,
        &["import", "police-uk", full_force().to_str().unwrap()],
    );
    // Nothing but the manifest's files remains in the store.
    let manifest = std::fs::read_to_string(data.join("crimes/manifest.json")).unwrap();
    for (p, _) in snapshot(&data.join("crimes")) {
        let p = p.to_string_lossy().into_owned();
        assert!(
            p == "manifest.json" || p == "import.lock" || manifest.contains(&p),
            "{p} is left over"
        );
    }
    assert!(start.elapsed().as_secs() < 600);
}

/// `safer import casework`: a settings file is checked before it is kept,
/// a mistake is named with its line and nothing is kept; the settings kept
/// are read whenever Safer opens the data directory.
#[test]
fn casework_settings_are_checked_then_kept_and_read_on_every_open() {
    let tmp = tempfile::tempdir().unwrap();
    let data = data_dir(&tmp);
    let bad = tmp.path().join("bad.toml");
    std::fs::write(
        &bad,
        "agreements = [\"ISA\"]\n\n[review.days]\nurgent = 7\n",
    )
    .unwrap();
    let out = safer(
        &data,
        &["import", "casework", bad.to_str().unwrap(), "--by", ANALYST],
    );
    assert!(!out.status.success());
    let e = stderr(&out);
    assert!(e.contains("bad.toml") && e.contains("line 4"), "{e}");
    assert!(!data.join("casework.toml").exists(), "nothing is kept");

    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/charnwood/casework.toml");
    let out = safer_ok(
        &data,
        &[
            "import",
            "casework",
            example.to_str().unwrap(),
            "--by",
            ANALYST,
        ],
    );
    assert!(
        stderr(&out).contains("3 forums, 7 case types (2 restricted)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(data.join("casework.toml")).unwrap(),
        std::fs::read_to_string(&example).unwrap()
    );
    // Settings damaged in place stop every command, naming the file.
    std::fs::write(data.join("casework.toml"), "forums = 5\n").unwrap();
    let out = safer(&data, &["status"]);
    assert!(!out.status.success());
    let e = stderr(&out);
    assert!(e.contains("casework.toml") && e.contains("line 1"), "{e}");
}
