//! `safer import police-uk`: all or nothing, replace not duplicate, and a
//! report that says what happened.

use std::path::Path;

use crate::helpers::*;

#[test]
fn a_failed_import_leaves_the_data_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
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
    let data = tmp.path().join("data");
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
    let data = tmp.path().join("data");
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
    let data = tmp.path().join("data");
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
        &tmp.path().join("a"),
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
        &tmp.path().join("b"),
        &["import", "police-uk", src.to_str().unwrap(), "--json"],
    );
    let ra: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    let rb: serde_json::Value = serde_json::from_slice(&b.stdout).unwrap();
    assert_eq!(ra["rows_kept"], 1334);
    assert_eq!(ra["rows_kept"], rb["rows_kept"]);
}
