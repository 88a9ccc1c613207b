use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The shared data folder beside the repository.
pub fn shared_data() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    assert!(
        p.is_dir(),
        "the shared data folder {} is missing; it sits beside the repository",
        p.display()
    );
    p
}

pub fn charnwood_only() -> PathBuf {
    shared_data().join("police-uk/leicestershire/street-charnwood-only")
}

pub fn full_force() -> PathBuf {
    shared_data().join("police-uk/leicestershire/street-full-force")
}

pub fn example_partnership() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/charnwood/partnership.toml")
}

/// The user the tests act as: every command runs with `SAFER_USER` set to
/// it, as a partnership's scheduled jobs would.
pub const ANALYST: &str = "analyst";

/// The command `safer --data-dir DIR`, acting as [`ANALYST`].
pub fn safer_command(data_dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_safer"));
    c.env("SAFER_USER", ANALYST).arg("--data-dir").arg(data_dir);
    c
}

/// Runs `safer --data-dir DIR ARGS…`.
pub fn safer(data_dir: &Path, args: &[&str]) -> Output {
    safer_command(data_dir)
        .args(args)
        .output()
        .expect("the safer binary runs")
}

/// Adds a user of `agency` (adding the agency first if it is new) to the
/// data directory, or to the database `base` names (`--database-url URL`).
pub fn add_user(data: &Path, base: &[&str], username: &str, agency: &str, roles: &str) {
    let with = |args: &[&str]| {
        let mut all = base.to_vec();
        all.extend(args);
        safer(data, &all)
    };
    let out = with(&["agency", "add", agency, "--statutory"]);
    assert!(
        out.status.success() || stderr(&out).contains("already exists"),
        "{}",
        stderr(&out)
    );
    let out = with(&[
        "user", "add", username, "--name", username, "--agency", agency, "--roles", roles,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// A data directory at `path` whose users include [`ANALYST`] (of Charnwood
/// Borough Council; analyst, community safety officer and JAG
/// coordinator), who may import data and keep the plan.
pub fn data_dir_at(path: PathBuf) -> PathBuf {
    add_user(
        &path,
        &[],
        ANALYST,
        "Charnwood Borough Council",
        "analyst,community_safety_officer,jag_coordinator",
    );
    path
}

/// `data_dir_at(tmp/data)`.
pub fn data_dir(tmp: &tempfile::TempDir) -> PathBuf {
    data_dir_at(tmp.path().join("data"))
}

/// Runs safer and fails the test, showing stderr, unless it succeeds.
pub fn safer_ok(data_dir: &Path, args: &[&str]) -> Output {
    let out = safer(data_dir, args);
    assert!(
        out.status.success(),
        "safer {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `safer assess … --json` and parses its stdout.
pub fn assess_json(
    data_dir: &Path,
    out_dir: &Path,
    district: &str,
    year: &str,
    as_at: Option<&str>,
) -> serde_json::Value {
    let mut args = vec![
        "assess",
        "--district",
        district,
        "--year",
        year,
        "--json",
        "--out",
    ];
    let out_s = out_dir.to_str().expect("utf-8 path");
    args.push(out_s);
    if let Some(m) = as_at {
        args.extend(["--as-at", m]);
    }
    let out = safer_ok(data_dir, &args);
    serde_json::from_slice(&out.stdout).expect("assess --json prints one JSON object")
}

/// The `current` and `previous` of a category row.
pub fn row(a: &serde_json::Value, category: &str) -> (u64, u64) {
    let r = a["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .find(|r| r["category"] == category)
        .unwrap_or_else(|| panic!("no row {category}"));
    (
        r["current"].as_u64().expect("current"),
        r["previous"].as_u64().expect("previous"),
    )
}

/// Every file under `dir` with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).expect("prefix").to_owned(),
                    std::fs::read(&p).expect("read"),
                );
            }
        }
    }
    out
}

/// An independent count of the police.uk files: Charnwood records (LSOA
/// name beginning "Charnwood ") by crime type and month, read with the
/// `csv` crate rather than Safer's own reader.
pub fn independent_counts(dir: &Path) -> BTreeMap<(String, String), u64> {
    let mut counts = BTreeMap::new();
    for e in std::fs::read_dir(dir).expect("dir") {
        let p = e.expect("entry").path();
        let mut r = csv::Reader::from_path(&p).expect("csv");
        for rec in r.records() {
            let rec = rec.expect("record");
            if rec[8].starts_with("Charnwood ") {
                *counts
                    .entry((rec[1].to_owned(), rec[9].to_owned()))
                    .or_default() += 1;
            }
        }
    }
    counts
}
