//! Property tests that every published table adds up: each change shown
//! equals the difference of the two figures beside it, in the HTML, the
//! CSV and the JSON, and the rows that partition a total add up to it.

use proptest::prelude::*;
use safer_analysis::{
    Assessment, AssessmentRequest, Beats, DistrictCounts, MonthCounts, PlacementSummary,
};
use safer_domain::{Category, CategoryGroup, FinancialYear, Month, PopulationSource};

use crate::{ReportMeta, csv_tables, render_html};

/// Random counts for two beats and the unplaced row, from April 2022 to
/// March 2024, with any month possibly not held.
fn counts() -> impl Strategy<Value = DistrictCounts> {
    proptest::collection::vec(
        (
            proptest::bool::weighted(0.8),
            proptest::collection::vec(0u64..40, 15 * 3),
        ),
        24,
    )
    .prop_map(|months| {
        let beats = Beats {
            names: vec!["North".into(), "South".into()],
            shapes: vec![vec![], vec![]],
        };
        let mut d = DistrictCounts::new("Charnwood", &beats);
        let first: Month = "2022-04".parse().unwrap();
        for (i, (held, n)) in months.into_iter().enumerate() {
            if !held {
                continue;
            }
            let m = first.plus(i as i32);
            let part = |k: usize| {
                let mut c = [0u64; 15];
                c[..14].copy_from_slice(&n[k * 15..k * 15 + 14]);
                c
            };
            let (north, south, unplaced) = (part(0), part(1), part(2));
            let mut district = [0u64; 15];
            for k in 0..15 {
                district[k] = north[k] + south[k] + unplaced[k];
            }
            let total: u64 = district.iter().sum();
            d.note_file("leicestershire", m, 0);
            // A month with no record at all would not be held: give it one.
            if total == 0 {
                district[Category::Drugs.index()] = 1;
            }
            let unplaced = if total == 0 {
                let mut u = unplaced;
                u[Category::Drugs.index()] = 1;
                u
            } else {
                unplaced
            };
            d.force_month_records
                .insert(("leicestershire".into(), m), district.iter().sum());
            d.months.insert(
                m,
                MonthCounts {
                    district,
                    beats: vec![north, south],
                    unplaced,
                    placement: PlacementSummary::default(),
                },
            );
        }
        d
    })
}

fn request(as_at: Option<Month>) -> AssessmentRequest {
    AssessmentRequest {
        district: "Charnwood".into(),
        year: FinancialYear::starting(2023),
        as_at,
        groups: vec![CategoryGroup {
            name: "Acquisitive".into(),
            categories: vec![Category::Burglary, Category::Robbery],
        }],
        population: Some(PopulationSource {
            value: 1000,
            source: "test".into(),
        }),
        areas: Default::default(),
    }
}

/// A shown number: thousands separators, a true minus or a plus sign;
/// `None` for "not held", "n/a" and the like.
fn number(cell: &str) -> Option<f64> {
    let t: String = cell
        .replace('\u{2212}', "-")
        .replace([',', '+', '%'], "")
        .trim()
        .to_owned();
    t.parse().ok()
}

/// The cells of each body row of the table whose caption has `id`, as
/// text: the row header first, then each `<td>`.
fn rows(html: &str, caption_id: &str) -> Vec<Vec<String>> {
    let start = html
        .find(&format!("<caption id=\"{caption_id}\""))
        .unwrap_or_else(|| panic!("no table {caption_id}"));
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    let body = &table[table.find("<tbody>").unwrap()..];
    body.split("<tr")
        .skip(1)
        .map(|tr| {
            let mut cells = Vec::new();
            let mut rest = tr;
            while let Some(open) = rest.find("<t") {
                let tag = &rest[open..];
                let Some(gt) = tag.find('>') else { break };
                let close = tag.find("</t").unwrap_or(tag.len());
                if tag.starts_with("<td") || tag.starts_with("<th") {
                    let inner = &tag[gt + 1..close];
                    // Drop markup inside the cell (a sub-label, a link).
                    let text = inner.split('<').next().unwrap_or("").to_owned();
                    cells.push(text);
                }
                rest = &tag[close.min(tag.len())..];
                if let Some(next) = rest.find('>') {
                    rest = &rest[next + 1..];
                } else {
                    break;
                }
            }
            cells
        })
        .collect()
}

/// The first four value cells of a comparison row (after `skip` leading
/// cells): compared previous, compared current, change and % change.
fn check_row(what: &str, cells: &[String], skip: usize) -> Result<(), TestCaseError> {
    let v = &cells[skip..];
    let (p, c, ch, pct) = (number(&v[0]), number(&v[1]), number(&v[2]), &v[3]);
    match ch {
        Some(ch) => {
            let (Some(p), Some(c)) = (p, c) else {
                return Err(TestCaseError::fail(format!(
                    "{what}: a change beside no figures: {v:?}"
                )));
            };
            prop_assert_eq!(ch, c - p, "{}: {:?}", what, v);
            match number(pct) {
                Some(x) => {
                    prop_assert!(p > 0.0);
                    prop_assert!(
                        ((c - p) / p * 100.0 - x).abs() <= 0.05 + 1e-9,
                        "{}: {:?}",
                        what,
                        v
                    );
                }
                None => prop_assert!(p == 0.0, "{}: no % change from {}", what, p),
            }
        }
        None => prop_assert!(v[2] == "n/a", "{}: {:?}", what, v),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_change_shown_is_the_difference_of_the_figures_beside_it(
        d in counts(),
        as_at in proptest::option::of(0i32..12),
    ) {
        let as_at = as_at.map(|k| "2023-04".parse::<Month>().unwrap().plus(k));
        let a = match Assessment::build(&d, &request(as_at)) {
            Ok(a) => a,
            // Nothing held in the period: refused, never zeros.
            Err(safer_analysis::AssessError::NothingHeld { .. }) => return Ok(()),
            Err(e) => return Err(TestCaseError::fail(e.to_string())),
        };
        let html = render_html(&a, &ReportMeta::default());

        // HTML: categories (row header, then the comparison) and beats
        // (rank, beat, then the comparison).
        let cats = rows(&html, "categories-caption");
        prop_assert_eq!(cats.len(), a.categories.len());
        for r in &cats {
            check_row(&r[0], r, 1)?;
        }
        for r in rows(&html, "beats-caption") {
            check_row(&r[1], &r, 2)?;
        }

        // CSV: the same, by column name.
        let tables = csv_tables(&a).unwrap();
        for name in ["categories.csv", "beats.csv"] {
            let (_, text) = tables.iter().find(|(n, _)| n == name).unwrap();
            let mut rd = csv::Reader::from_reader(text.as_bytes());
            let head = rd.headers().unwrap().clone();
            let col = |r: &csv::StringRecord, n: &str| -> Option<i64> {
                let i = head.iter().position(|h| h == n).unwrap();
                r[i].parse().ok()
            };
            for r in rd.records() {
                let r = r.unwrap();
                match col(&r, "change") {
                    Some(ch) => prop_assert_eq!(
                        Some(ch),
                        col(&r, "compared_current").zip(col(&r, "compared_previous")).map(|(c, p)| c - p)
                    ),
                    None => prop_assert!(col(&r, "compared_current").is_none()),
                }
            }
        }

        // JSON and the figures themselves: changes are differences, and the
        // rows that partition a total add up to it.
        for r in &a.categories {
            prop_assert_eq!(
                r.change,
                r.compared_current.zip(r.compared_previous).map(|(c, p)| c as i64 - p as i64)
            );
        }
        let all = a.all_crime().unwrap();
        let crime: u64 = a.categories.iter()
            .filter(|r| r.kind == safer_analysis::RowKind::Category && r.category != Category::AntiSocialBehaviour.name())
            .map(|r| r.current)
            .sum();
        prop_assert_eq!(crime, all.current);
        let unplaced = a.unplaced.as_ref().unwrap();
        prop_assert_eq!(a.beats.iter().map(|b| b.current).sum::<u64>() + unplaced.current, all.current);
        let cc = |b: &safer_analysis::BeatRow| b.compared_current.unwrap_or(0);
        prop_assert_eq!(
            a.beats.iter().map(cc).sum::<u64>() + cc(unplaced),
            all.compared_current.unwrap_or(0)
        );
        // Totals cover only months held: never a zero standing for a month
        // not held.
        for m in &a.trend_by_month {
            prop_assert_eq!(m.counts.is_some(), m.held);
        }
    }
}
