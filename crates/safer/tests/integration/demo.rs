//! The README's first command: `safer demo`, from an empty data directory.

use crate::helpers::*;

#[test]
fn the_demo_writes_the_assessment_and_the_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let out = tmp.path().join("out");
    let psa = out.join("psa");
    let (shared, partnership) = (shared_data(), example_partnership());
    let args = [
        "demo",
        "--shared-data",
        shared.to_str().unwrap(),
        "--partnership",
        partnership.to_str().unwrap(),
        "--out",
        psa.to_str().unwrap(),
        "--reports",
        out.to_str().unwrap(),
        "--no-serve",
    ];
    let run = safer_ok(&data, &args);
    let text = stderr(&run);
    assert!(
        text.contains("assessment.html") && text.contains("quarterly.html"),
        "{text}"
    );
    assert!(
        text.contains("2022-12"),
        "the missing month is reported: {text}"
    );
    assert!(
        text.contains("DEMO USERS") && text.contains("demo-police-lead"),
        "{text}"
    );
    for f in [
        "psa/assessment.html",
        "psa/categories.csv",
        "charnwood-2023-26-2024-Q2/quarterly.html",
        "charnwood-2023-26-2024-Q2/measures.csv",
        "charnwood-2023-26-2024-Q2/fund-return.xlsx",
        "charnwood-2020-23-annual-2022-23/annual.html",
    ] {
        assert!(out.join(f).is_file(), "{f} is written");
    }
    // Every measure entered by hand has the demo's values, so none shows
    // "No data" in the quarterly report.
    let csv = std::fs::read_to_string(out.join("charnwood-2023-26-2024-Q2/measures.csv")).unwrap();
    let mut manual = 0;
    for row in csv::Reader::from_reader(csv.as_bytes()).records() {
        let row = row.unwrap();
        if &row[3] == "entered each quarter" {
            manual += 1;
            assert_ne!(&row[12], "No data", "{:?}", row);
            assert!(!row[11].is_empty(), "a value is held: {row:?}");
        }
    }
    assert!(manual >= 3, "{manual} measures entered by hand");
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .any(|c| {
            std::process::Command::new("which")
                .arg(c)
                .output()
                .is_ok_and(|o| o.status.success())
        });
    // Under CI every tool is there, so the PDF is checked, never skipped.
    assert!(
        chromium || std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but Chromium is missing: the demo's PDFs cannot be checked"
    );
    if chromium {
        let pdf = std::fs::read(out.join("charnwood-2023-26-2024-Q2/quarterly.pdf")).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
    }
    // Running it again changes nothing: imports replace, demo entries are added once.
    let again = safer_ok(&data, &args);
    assert!(
        stderr(&again).contains("already added"),
        "{}",
        stderr(&again)
    );
}
