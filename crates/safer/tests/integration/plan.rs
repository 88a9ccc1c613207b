//! The partnership plan end to end: the example plans against the seed
//! text, the plan commands, and the quarterly report against `safer assess`.

use std::path::{Path, PathBuf};

use crate::helpers::*;

fn seeds() -> PathBuf {
    shared_data().join("../seeds")
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/charnwood")
        .join(name)
}

/// Letters and digits only, lower case: PDF extraction breaks lines and
/// spacing, not words.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// For each section of the seed that starts with a line containing
/// `heading`, the number of bullet lines (starting with `marker`) before the
/// next line containing one of `stops`.
fn bullets_per_section(text: &str, heading: &str, marker: &str, stops: &[&str]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut current: Option<usize> = None;
    for line in text.lines() {
        let t = line.trim_start();
        if line.contains(heading) {
            if let Some(n) = current.take() {
                out.push(n);
            }
            current = Some(0);
        } else if current.is_some() && stops.iter().any(|s| line.contains(s)) {
            out.extend(current.take());
        } else if let Some(n) = current.as_mut()
            && t.starts_with(marker)
        {
            *n += 1;
        }
    }
    out.extend(current);
    out
}

fn plan_toml(name: &str) -> toml::Value {
    toml::from_str(&std::fs::read_to_string(example(name)).unwrap()).unwrap()
}

fn per_priority(plan: &toml::Value, list: &str) -> Vec<usize> {
    plan["priorities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.get(list).and_then(|l| l.as_array()).map_or(0, Vec::len))
        .filter(|&n| n > 0)
        .collect()
}

#[test]
fn every_seed_priority_and_measure_is_in_the_example_plans() {
    // 2023–26: bullets are "- " lines; sections end at the next numbered heading.
    let seed = std::fs::read_to_string(seeds().join("004_0ff9206b20f39775.txt")).unwrap();
    let plan = plan_toml("plan-2023-26.toml");
    let stops = ["Summary of Priority", "Priority ", "Statutory"];
    assert_eq!(
        per_priority(&plan, "measures"),
        bullets_per_section(&seed, "How will we measure success?", "- ", &stops)
    );
    assert_eq!(per_priority(&plan, "measures"), [4, 7, 5]);
    let priorities = seed
        .lines()
        .filter(|l| l.contains(". Priority ") && l.contains(':'))
        .count();
    assert_eq!(plan["priorities"].as_array().unwrap().len(), priorities);

    // 2020–23: bullets are "•" lines ("-" and "▪" lines are parts of a bullet).
    let seed = std::fs::read_to_string(seeds().join("000_0432de5bb0e76488.txt")).unwrap();
    let plan = plan_toml("plan-2020-23.toml");
    let stops = ["Priority ", "Glossary", "Theme "];
    assert_eq!(
        per_priority(&plan, "measures"),
        bullets_per_section(&seed, "How will we measure success?", "•", &stops)
    );
    let priorities = seed
        .lines()
        .filter(|l| l.trim_start().starts_with("Priority ") && l.contains(": ") && l.len() > 20)
        .count();
    assert_eq!(plan["priorities"].as_array().unwrap().len(), priorities);

    // Nothing invented: every objective, response and measure is the seed's own text.
    for (file, seed) in [
        ("plan-2023-26.toml", "004_0ff9206b20f39775.txt"),
        ("plan-2020-23.toml", "000_0432de5bb0e76488.txt"),
    ] {
        let seed = squash(&std::fs::read_to_string(seeds().join(seed)).unwrap());
        let plan = plan_toml(file);
        for p in plan["priorities"].as_array().unwrap() {
            assert!(
                seed.contains(&squash(p["title"].as_str().unwrap())),
                "{file}: priority title {}",
                p["title"]
            );
            for list in ["objectives", "responses", "measures"] {
                for item in p.get(list).and_then(|l| l.as_array()).into_iter().flatten() {
                    let text = item["text"].as_str().unwrap();
                    assert!(
                        seed.contains(&squash(text)),
                        "{file}: {} is not in the seed: {text}",
                        item["id"]
                    );
                }
            }
        }
    }
}

#[test]
fn plan_check_accepts_the_examples_and_names_the_line_of_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let data = data_dir(&tmp);
    for name in ["plan-2020-23.toml", "plan-2023-26.toml"] {
        let out = safer_ok(&data, &["plan", "check", example(name).to_str().unwrap()]);
        assert!(stderr(&out).contains("valid"), "{}", stderr(&out));
    }
    let bad = tmp.path().join("bad.toml");
    let text = std::fs::read_to_string(example("plan-2023-26.toml"))
        .unwrap()
        .replacen("direction = \"monitor\"", "direction = \"sideways\"", 1);
    let line = text.lines().position(|l| l.contains("sideways")).unwrap() + 1;
    std::fs::write(&bad, text).unwrap();
    let out = safer(&data, &["plan", "check", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let e = stderr(&out);
    assert!(
        e.contains("bad.toml")
            && e.contains(&format!("line {line}"))
            && e.contains("lower, higher or monitor"),
        "{e}"
    );
}

/// Imports the data, partnership and the 2020–23 plan (the one with
/// police.uk measures) into `data`, using `db` when given.
fn setup(data: &Path, db: Option<&str>) -> Vec<String> {
    let mut base = Vec::new();
    if let Some(url) = db {
        base.extend(["--database-url".to_owned(), url.to_owned()]);
    }
    let run = |args: &[&str]| {
        let mut all: Vec<&str> = base.iter().map(String::as_str).collect();
        all.extend(args);
        safer_ok(data, &all)
    };
    // The people who keep the plan: the tests act as ANALYST by default.
    let b: Vec<&str> = base.iter().map(String::as_str).collect();
    let council = "Charnwood Borough Council";
    add_user(
        data,
        &b,
        ANALYST,
        council,
        "analyst,community_safety_officer",
    );
    add_user(data, &b, "jag", council, "jag_coordinator");
    add_user(data, &b, "cso", council, "community_safety_officer");
    add_user(
        data,
        &b,
        "police-lead",
        "Leicestershire Police",
        "agency_lead",
    );
    add_user(
        data,
        &b,
        "fire-lead",
        "Leicestershire Fire and Rescue",
        "agency_lead",
    );
    run(&["import", "police-uk", charnwood_only().to_str().unwrap()]);
    run(&[
        "import",
        "partnership",
        example_partnership().to_str().unwrap(),
    ]);
    run(&[
        "plan",
        "import",
        example("plan-2020-23.toml").to_str().unwrap(),
        "--by",
        "analyst",
    ]);
    base
}

fn quarterly(
    data: &Path,
    base: &[String],
    plan: &str,
    quarter: &str,
    out: &Path,
) -> serde_json::Value {
    let mut args: Vec<&str> = base.iter().map(String::as_str).collect();
    args.extend([
        "report",
        "quarterly",
        "--plan",
        plan,
        "--quarter",
        quarter,
        "--json",
        "--out",
        out.to_str().unwrap(),
    ]);
    let o = safer_ok(data, &args);
    serde_json::from_slice(&o.stdout).expect("report --json prints the review")
}

fn measure<'a>(review: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    review["priorities"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["measures"].as_array().unwrap())
        .find(|m| m["id"] == id)
        .unwrap()
}

#[test]
fn crime_measures_agree_with_the_assessment() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let base = setup(&data, None);
    // 2023/24 year to date at Q4 against 2022/23 (December 2022 missing) …
    let review = quarterly(
        &data,
        &base,
        "charnwood-2020-23",
        "2023-Q4",
        &tmp.path().join("q"),
    );
    let a = assess_json(&data, &tmp.path().join("a"), "Charnwood", "2023/24", None);
    // … and 2024/25 to September against the same months of 2023/24.
    let review2 = quarterly(
        &data,
        &base,
        "charnwood-2020-23",
        "2024-Q2",
        &tmp.path().join("q2"),
    );
    let a2 = assess_json(
        &data,
        &tmp.path().join("a2"),
        "Charnwood",
        "2024/25",
        Some("2024-09"),
    );
    for (review, a) in [(&review, &a), (&review2, &a2)] {
        for (id, category) in [
            ("p1-m1", "All crime"),
            ("p1-m3", "Shoplifting"),
            ("p2-m4", "Anti-social behaviour"),
        ] {
            let m = &measure(review, id)["evaluation"];
            let row = a["categories"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["category"] == category)
                .unwrap();
            assert_eq!(
                m["actual"].as_f64().unwrap() as u64,
                row["compared_current"].as_u64().unwrap(),
                "{id} actual"
            );
            assert_eq!(
                m["comparison"].as_f64().unwrap() as u64,
                row["compared_previous"].as_u64().unwrap(),
                "{id} comparison"
            );
        }
    }
    // A year-on-year reduction: 12,805 against 13,656 over the 11 comparable months.
    assert_eq!(
        measure(&review, "p1-m1")["evaluation"]["status"],
        "on_track"
    );
    // Measures police.uk cannot give say what they need instead of a number.
    let dv = &measure(&review, "p3-m2")["evaluation"];
    assert_eq!(dv["status"], "no_data");
    assert!(dv["actual"].is_null());
    assert!(
        dv["reason"].as_str().unwrap().contains("domestic"),
        "{}",
        dv["reason"]
    );
    // The HTML and the CSV of measures are written.
    assert!(tmp.path().join("q/quarterly.html").is_file());
    assert!(tmp.path().join("q/measures.csv").is_file());
}

#[test]
fn actions_values_and_the_fund_flow_into_the_report() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let base = setup(&data, None);
    let plan = "charnwood-2020-23";
    let out = safer_ok(
        &data,
        &[
            "action",
            "add",
            "--plan",
            plan,
            "--priority",
            "p1",
            "--aim",
            "enforcement",
            "--action",
            "Shoplifting patrols",
            "--lead",
            "Leicestershire Police",
            "--start",
            "2022-04-01",
            "--due",
            "2022-12-31",
            "--measure",
            "p1-m3",
            "--by",
            "jag",
        ],
    );
    let id = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    safer_ok(
        &data,
        &[
            "action",
            "update",
            &id,
            "--status",
            "at_risk",
            "--text",
            "Fewer patrols than planned",
            "--date",
            "2022-11-01",
            "--by",
            "police-lead",
        ],
    );
    // Another agency's lead cannot update it: to them it does not exist.
    let out = safer(
        &data,
        &[
            "action",
            "update",
            &id,
            "--status",
            "complete",
            "--text",
            "Not ours",
            "--date",
            "2022-11-02",
            "--by",
            "fire-lead",
        ],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(&format!("There is no action {id}")),
        "{}",
        stderr(&out)
    );
    // p5-m1: 90% feel safe after dark (a manual level measure).
    for (q, v) in [
        ("2022-Q1", "88"),
        ("2022-Q2", "91"),
        ("2021-Q1", "85"),
        ("2021-Q2", "86"),
    ] {
        safer_ok(
            &data,
            &[
                "measure",
                "record",
                "--plan",
                plan,
                "--measure",
                "p5-m1",
                "--quarter",
                q,
                "--value",
                v,
                "--by",
                "cso",
            ],
        );
    }
    let e = safer(
        &data,
        &[
            "measure",
            "record",
            "--plan",
            plan,
            "--measure",
            "p1-m1",
            "--quarter",
            "2022-Q1",
            "--value",
            "3",
        ],
    );
    assert!(
        stderr(&e).contains("only manual measures"),
        "{}",
        stderr(&e)
    );
    safer_ok(
        &data,
        &[
            "fund",
            "allocate",
            "--partnership",
            "charnwood",
            "--year",
            "2022/23",
            "--amount",
            "40,000",
        ],
    );
    let out = safer_ok(
        &data,
        &[
            "fund",
            "project",
            "--partnership",
            "charnwood",
            "--year",
            "2022/23",
            "--name",
            "Shop watch",
            "--lead",
            "Charnwood Borough Council",
            "--budget",
            "8000",
            "--plan",
            plan,
            "--priority",
            "p1",
            "--action",
            &id,
        ],
    );
    let project = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    safer_ok(
        &data,
        &[
            "fund",
            "spend",
            "--project",
            &project,
            "--quarter",
            "1",
            "--amount",
            "1000.50",
        ],
    );

    let review = quarterly(&data, &base, plan, "2022-Q2", &tmp.path().join("q"));
    let safe = &measure(&review, "p5-m1")["evaluation"];
    assert_eq!(safe["actual"], 91.0);
    assert_eq!(safe["status"], "on_track");
    let p1 = &review["priorities"][0];
    // The update is signed with the display name of the user who made it.
    assert_eq!(p1["actions"][0]["updates"][0]["author"], "police-lead");
    assert!(
        p1["overdue"].as_array().unwrap().is_empty(),
        "not yet due at the end of Q2"
    );
    let q3 = quarterly(&data, &base, plan, "2022-Q4", &tmp.path().join("q4"));
    assert_eq!(
        q3["priorities"][0]["overdue"][0].to_string(),
        id,
        "past due and still open at the end of Q4"
    );

    // The fund return: CSV and XLSX, and £1,000.50 of a £4,000 profile is an underspend.
    let csv = std::fs::read_to_string(tmp.path().join("q/fund-return.csv")).unwrap();
    assert!(
        csv.contains("Shop watch") && csv.contains("1000.50"),
        "{csv}"
    );
    let xlsx = std::fs::read(tmp.path().join("q/fund-return.xlsx")).unwrap();
    assert_eq!(&xlsx[..2], b"PK");
    let out = safer_ok(
        &data,
        &[
            "fund",
            "return",
            "--partnership",
            "charnwood",
            "--year",
            "2022/23",
            "--quarter",
            "2",
            "--out",
            tmp.path().join("r").to_str().unwrap(),
        ],
    );
    assert!(stderr(&out).contains("underspend"), "{}", stderr(&out));
}

#[test]
fn the_same_report_on_postgresql() {
    let Ok(admin) = std::env::var("SAFER_TEST_POSTGRES") else {
        // Under CI every database is there: a missing one is a failure.
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "CI=true but SAFER_TEST_POSTGRES is not set: the PostgreSQL run cannot be skipped"
        );
        eprintln!(
            "SAFER_TEST_POSTGRES is not set: the PostgreSQL run of this test is skipped (scripts/test sets it)"
        );
        return;
    };
    let name = format!("safer_cli_{}", std::process::id());
    let base_url = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(b, _)| b)
        .to_owned();
    let psql = |sql: &str| {
        let ok = std::process::Command::new("psql")
            .args([admin.as_str(), "-qc", sql])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok, "psql {sql}");
    };
    psql(&format!("DROP DATABASE IF EXISTS {name}"));
    psql(&format!("CREATE DATABASE {name}"));
    let url = format!("{base_url}/{name}");
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let base = setup(&data, Some(&url));
    let pg = quarterly(
        &data,
        &base,
        "charnwood-2020-23",
        "2023-Q4",
        &tmp.path().join("pg"),
    );
    let lite_data = tmp.path().join("lite");
    let lite_base = setup(&lite_data, None);
    let lite = quarterly(
        &lite_data,
        &lite_base,
        "charnwood-2020-23",
        "2023-Q4",
        &tmp.path().join("lite-out"),
    );
    assert_eq!(pg["priorities"], lite["priorities"]);
    assert!(
        !Path::new(&data).join("safer.db").exists(),
        "PostgreSQL was used, not SQLite"
    );
    psql(&format!("DROP DATABASE IF EXISTS {name}"));
}

fn annual(data: &Path, base: &[String], plan: &str, year: &str, out: &Path) -> serde_json::Value {
    let mut args: Vec<&str> = base.iter().map(String::as_str).collect();
    args.extend([
        "report",
        "annual",
        "--plan",
        plan,
        "--year",
        year,
        "--json",
        "--out",
        out.to_str().unwrap(),
    ]);
    let o = safer_ok(data, &args);
    serde_json::from_slice(&o.stdout).expect("report --json prints the review")
}

/// The HTML of a measure's row in a report (`measure-<priority>-<measure>`).
fn measure_row_html<'a>(html: &'a str, review: &serde_json::Value, id: &str) -> &'a str {
    let (pi, mi) = review["priorities"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .find_map(|(pi, p)| {
            p["measures"]
                .as_array()
                .unwrap()
                .iter()
                .position(|m| m["id"] == id)
                .map(|mi| (pi, mi))
        })
        .unwrap();
    let start = html
        .find(&format!("id=\"measure-{pi}-{mi}\""))
        .unwrap_or_else(|| panic!("no row for {id}"));
    &html[start..start + html[start..].find("</tr>").unwrap()]
}

fn csv_line<'a>(csv: &'a str, priority: &str, id: &str) -> &'a str {
    csv.lines()
        .find(|l| l.starts_with(&format!("{priority},{id},")))
        .unwrap()
}

#[test]
fn no_year_is_judged_on_part_of_a_year() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let base = setup(&data, None);
    let plan = "charnwood-2020-23";

    // 2022/23 year on year: police.uk holds only January to March 2022 of
    // 2021/22, so just 3 of the 12 months can be compared.
    let out = tmp.path().join("y2022");
    let review = annual(&data, &base, plan, "2022/23", &out);
    let html = std::fs::read_to_string(out.join("annual.html")).unwrap();
    let csv = std::fs::read_to_string(out.join("measures.csv")).unwrap();
    assert!(html.contains("Outcome for the year"));
    for id in ["p1-m1", "p1-m3"] {
        let e = &measure(&review, id)["evaluation"];
        assert_eq!(e["status"], "incomplete", "{id}: {}", e["reason"]);
        assert!(e["target"].is_null(), "{id}");
        let reason = e["reason"].as_str().unwrap();
        assert!(
            reason.starts_with("Incomplete: 3 of 12 months held; April to December left out of both years (December 2022 and April to December 2021 not held)"),
            "{id}: {reason}"
        );
        assert_eq!(e["coverage"]["months_compared"], 3);
        assert_eq!(e["coverage"]["months_claimed"], 12);
        // In the annual report: the Incomplete tag, no RAG, no target and
        // no figure as the year's outcome.
        let row = measure_row_html(&html, &review, id);
        assert!(
            row.contains("<strong class=\"tag tag--purple\">Incomplete</strong>"),
            "{row}"
        );
        for rag in ["On track", "At risk", "Off track"] {
            assert!(!row.contains(rag), "{id} shows {rag}: {row}");
        }
        assert!(
            row.contains("<span class=\"na\">n/a</span><span class=\"cell-sub\">only 3 of 12 months held</span>"),
            "{row}"
        );
        let line = csv_line(&csv, "p1", id);
        assert!(
            line.contains(",3,12,2022-12 2021-04 2021-05 2021-06 2021-07 2021-08 2021-09 2021-10 2021-11 2021-12,"),
            "{line}"
        );
        assert!(line.contains(",Incomplete,"), "{line}");
    }
    // A monitor-only measure has no RAG status anyway, and says what it compares.
    let asb = &measure(&review, "p2-m4")["evaluation"];
    assert_eq!(asb["status"], "monitoring");
    assert!(
        asb["reason"]
            .as_str()
            .unwrap()
            .starts_with("3 of 12 months, April to December left out of both years"),
        "{}",
        asb["reason"]
    );

    // 2023/24 against 2022/23: only December 2022 is missing, so the year
    // is judged on 11 months, and says so.
    let out = tmp.path().join("y2023");
    let review = annual(&data, &base, plan, "2023/24", &out);
    let html = std::fs::read_to_string(out.join("annual.html")).unwrap();
    let csv = std::fs::read_to_string(out.join("measures.csv")).unwrap();
    for id in ["p1-m1", "p1-m3"] {
        let e = &measure(&review, id)["evaluation"];
        let status = e["status"].as_str().unwrap();
        assert!(
            ["on_track", "at_risk", "off_track"].contains(&status),
            "{id}: {status}"
        );
        assert!(e["target"].is_number(), "{id}");
        let reason = e["reason"].as_str().unwrap();
        assert!(
            reason.starts_with(
                "11 of 12 months, December left out of both years (December 2022 not held): "
            ),
            "{id}: {reason}"
        );
        let row = measure_row_html(&html, &review, id);
        assert!(
            row.contains("<span class=\"cell-sub\">11 of 12 months</span>"),
            "{row}"
        );
        assert!(!row.contains("Incomplete"), "{row}");
        let line = csv_line(&csv, "p1", id);
        assert!(line.contains(",11,12,2022-12,"), "{line}");
    }
    assert_eq!(
        measure(&review, "p1-m1")["evaluation"]["status"],
        "on_track"
    );
}
