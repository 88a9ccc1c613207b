//! `safer assess` on the real Charnwood data, checked against the reference
//! counts in ../shared/data/PROVENANCE.md and an independent count.

use std::path::Path;

use crate::helpers::*;

/// Imports both real folders into a fresh data directory, as the demo does.
fn import_real(data: &Path) {
    safer_ok(
        data,
        &["import", "police-uk", charnwood_only().to_str().unwrap()],
    );
    safer_ok(
        data,
        &["import", "police-uk", full_force().to_str().unwrap()],
    );
}

fn months_of_fy(start: u32) -> Vec<String> {
    (4..=12)
        .map(|m| format!("{start}-{m:02}"))
        .chain((1..=3).map(|m| format!("{}-{m:02}", start + 1)))
        .collect()
}

#[test]
fn charnwood_2023_24_matches_the_reference_and_an_independent_count() {
    let tmp = tempfile::tempdir().unwrap();
    let data = data_dir(&tmp);
    import_real(&data);
    let a = assess_json(&data, &tmp.path().join("out"), "Charnwood", "2023/24", None);

    // PROVENANCE.md: 13,894 crimes excluding ASB and 1,231 ASB; 2022/23:
    // 13,656 and 1,469 over 11 months (2022-12 missing).
    assert_eq!(row(&a, "All crime"), (13_894, 13_656));
    assert_eq!(row(&a, "Anti-social behaviour"), (1_231, 1_469));

    let counts = independent_counts(&charnwood_only());
    let total = |months: &[String], cat: &str| -> u64 {
        counts
            .iter()
            .filter(|((m, c), _)| months.contains(m) && c == cat)
            .map(|(_, n)| n)
            .sum()
    };
    let (cur, prev) = (months_of_fy(2023), months_of_fy(2022));
    let cats = a["categories"].as_array().unwrap();
    assert_eq!(cats.len(), 15, "All crime, 13 crime categories, ASB");
    for r in cats.iter().filter(|r| r["kind"] == "category") {
        let name = r["category"].as_str().unwrap();
        assert_eq!(
            r["current"].as_u64().unwrap(),
            total(&cur, name),
            "{name} current"
        );
        assert_eq!(
            r["previous"].as_u64().unwrap(),
            total(&prev, name),
            "{name} previous"
        );
    }

    // Rate per 1,000 needs a population: none without a partnership.
    assert!(cats[0]["rate_per_1000"].is_null());
    // HTML and a CSV per table are written.
    for f in ["assessment.html", "categories.csv"] {
        assert!(tmp.path().join("out").join(f).is_file(), "{f}");
    }
}

#[test]
fn a_missing_month_is_never_compared_silently() {
    let tmp = tempfile::tempdir().unwrap();
    let data = data_dir(&tmp);
    safer_ok(
        &data,
        &["import", "police-uk", charnwood_only().to_str().unwrap()],
    );
    let a = assess_json(&data, &tmp.path().join("out"), "Charnwood", "2023/24", None);
    let c = &a["comparison"];
    assert_eq!(c["previous_months_missing"], serde_json::json!(["2022-12"]));
    assert_eq!(c["like_for_like"], false);
    assert_eq!(c["comparable_months"].as_array().unwrap().len(), 11);
    assert!(
        !c["comparable_months"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("2023-12"))
    );

    // The change compares 11 months with 11 months: December is left out of both sides.
    let counts = independent_counts(&charnwood_only());
    let crimes_in = |month: &str| -> u64 {
        counts
            .iter()
            .filter(|((m, c), _)| m == month && c != "Anti-social behaviour")
            .map(|(_, n)| n)
            .sum()
    };
    let all = &a["categories"][0];
    assert_eq!(
        all["compared_current"].as_u64().unwrap(),
        13_894 - crimes_in("2023-12")
    );
    assert_eq!(all["compared_previous"].as_u64().unwrap(), 13_656);
    assert_eq!(
        all["change"].as_i64().unwrap(),
        (13_894 - crimes_in("2023-12")) as i64 - 13_656
    );
    let warnings = a["warnings"].to_string();
    assert!(warnings.contains("2022-12"), "{warnings}");

    // The 2022/23 assessment says its own December is missing.
    let b = assess_json(
        &data,
        &tmp.path().join("out2"),
        "Charnwood",
        "2022/23",
        None,
    );
    assert_eq!(
        b["comparison"]["current_months_missing"],
        serde_json::json!(["2022-12"])
    );
    assert!(b["warnings"].to_string().contains("2022-12"));
}

#[test]
fn year_to_date_compares_the_same_months_a_year_earlier() {
    let tmp = tempfile::tempdir().unwrap();
    let data = data_dir(&tmp);
    safer_ok(
        &data,
        &["import", "police-uk", charnwood_only().to_str().unwrap()],
    );
    let a = assess_json(
        &data,
        &tmp.path().join("out"),
        "charnwood",
        "2024/25",
        Some("2024-09"),
    );
    let counts = independent_counts(&charnwood_only());
    let in_months = |months: &[&str]| -> u64 {
        counts
            .iter()
            .filter(|((m, c), _)| months.contains(&m.as_str()) && c != "Anti-social behaviour")
            .map(|(_, n)| n)
            .sum()
    };
    let cur = in_months(&[
        "2024-04", "2024-05", "2024-06", "2024-07", "2024-08", "2024-09",
    ]);
    let prev = in_months(&[
        "2023-04", "2023-05", "2023-06", "2023-07", "2023-08", "2023-09",
    ]);
    assert_eq!(row(&a, "All crime"), (cur, prev));
    assert_eq!(a["comparison"]["like_for_like"], true);
    assert_eq!(
        a["district"], "Charnwood",
        "reported under police.uk's spelling"
    );
}

#[test]
fn beats_partition_the_district_and_rates_use_the_configured_population() {
    let tmp = tempfile::tempdir().unwrap();
    let data = data_dir(&tmp);
    import_real(&data);
    safer_ok(
        &data,
        &[
            "import",
            "partnership",
            example_partnership().to_str().unwrap(),
        ],
    );
    let a = assess_json(&data, &tmp.path().join("out"), "Charnwood", "2023/24", None);
    let beats = a["beats"].as_array().unwrap();
    assert_eq!(beats.len(), 10, "beats 56 to 65");
    let sum: u64 = beats
        .iter()
        .map(|b| b["current"].as_u64().unwrap())
        .sum::<u64>()
        + a["unplaced"]["current"].as_u64().unwrap();
    assert_eq!(
        sum, 13_894,
        "every district crime is in one beat or unplaced"
    );
    let share: f64 = beats
        .iter()
        .map(|b| b["share"].as_f64().unwrap())
        .sum::<f64>()
        + a["unplaced"]["share"].as_f64().unwrap();
    assert!((share - 100.0).abs() < 1e-6, "{share}");
    let mut ranks: Vec<u64> = beats.iter().map(|b| b["rank"].as_u64().unwrap()).collect();
    ranks.sort_unstable();
    assert_eq!(ranks, (1..=10).collect::<Vec<_>>());
    // Census 2021: 183,900 people in Charnwood.
    let rate = a["categories"][0]["rate_per_1000"].as_f64().unwrap();
    assert!((rate - 13_894.0 / 183.9).abs() < 1e-9, "{rate}");
    // The configured group: serious acquisitive crime.
    let sac = [
        "Burglary",
        "Robbery",
        "Vehicle crime",
        "Theft from the person",
    ]
    .iter()
    .map(|c| row(&a, c).0)
    .sum::<u64>();
    assert_eq!(row(&a, "Serious acquisitive crime").0, sac);
    // The trend covers every financial year held, 2021/22 to 2024/25.
    let years: Vec<String> = a["trend_by_beat"][0]["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["year"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(years, ["2021/22", "2022/23", "2023/24", "2024/25"]);
    assert_eq!(a["trend_by_beat"][0]["years"][1]["months_held"], 11);
}

#[test]
fn an_unknown_district_is_a_clear_error() {
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
    let out = safer(
        &data,
        &["assess", "--district", "Charnwod", "--year", "2023/24"],
    );
    assert!(!out.status.success());
    let e = stderr(&out);
    assert!(e.contains("Charnwod") && e.contains("Charnwood"), "{e}");
    let out = safer(
        &data,
        &["assess", "--district", "Charnwood", "--year", "2023"],
    );
    assert!(stderr(&out).contains("YYYY/YY"), "{}", stderr(&out));
}

/// No figures from nothing: a year with no month held is refused, listing
/// what is held; a year with some months held shows "not held" for the
/// rest, never 0.
#[test]
fn a_year_with_nothing_held_is_refused_and_a_part_year_says_not_held() {
    let tmp = tempfile::tempdir().unwrap();
    let data = data_dir(&tmp);
    import_real(&data);
    let out = safer(
        &data,
        &[
            "assess",
            "--district",
            "Charnwood",
            "--year",
            "2020/21",
            "--no-pdf",
        ],
    );
    assert!(!out.status.success());
    let e = stderr(&out);
    assert!(
        e.contains("No month of 2020-04 to 2021-03 is held for Charnwood")
            && e.contains("2021/22 (3 of 12 months)")
            && e.contains("2023/24 (12 of 12 months)"),
        "{e}"
    );
    assert!(!tmp.path().join("safer-out").exists());

    // 2021/22 holds January to March 2022 only, and 2020/21 nothing.
    let out_dir = tmp.path().join("o");
    let a = assess_json(&data, &out_dir, "Charnwood", "2021/22", None);
    let all = a["categories"][0].clone();
    assert_eq!(all["current"], 3_761);
    assert!(
        all["previous"].is_null() && all["change"].is_null(),
        "{all}"
    );
    assert_eq!(a["comparison"]["current_months_held"], 3);
    assert_eq!(a["comparison"]["previous_months_held"], 0);
    let html = std::fs::read_to_string(out_dir.join("assessment.html")).unwrap();
    assert!(
        html.contains("<td class=\"num\">not held</td>"),
        "previous shown as not held"
    );
    let csv = std::fs::read_to_string(out_dir.join("categories.csv")).unwrap();
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with("All crime,all_crime,,,,,0,,0,3761,3,"),
        "{csv}"
    );
}

/// A district whose own force's file is not held (the Metropolitan Police
/// is not in the national month) is refused, though British Transport
/// Police's file holds records at its stations; a held district counts
/// every force's records in it.
#[test]
fn a_district_is_held_by_its_own_force_only() {
    let tmp = tempfile::tempdir().unwrap();
    let data = data_dir(&tmp);
    let national = shared_data().join("police-uk/national-2022-04");
    safer_ok(&data, &["import", "police-uk", national.to_str().unwrap()]);
    let out = safer(
        &data,
        &[
            "assess",
            "--district",
            "Westminster",
            "--year",
            "2022/23",
            "--as-at",
            "2022-04",
            "--no-pdf",
            "--out",
            tmp.path().join("w").to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("(metropolitan)"), "{}", stderr(&out));
    let a = assess_json(
        &data,
        &tmp.path().join("c"),
        "Charnwood",
        "2022/23",
        Some("2022-04"),
    );
    assert_eq!(a["forces"], serde_json::json!(["leicestershire"]));
    assert_eq!(a["force_basis"], "force_area");
    // The national month's Charnwood rows: 1,412 in Leicestershire's file,
    // a few in other forces' files.
    let other: u64 = a["other_forces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[1].as_u64().unwrap())
        .sum();
    let current = |label: &str| {
        a["categories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["category"] == label)
            .unwrap()["current"]
            .as_u64()
            .unwrap()
    };
    assert!(other > 0);
    assert_eq!(
        current("All crime") + current("Anti-social behaviour"),
        1412 + other
    );
}
