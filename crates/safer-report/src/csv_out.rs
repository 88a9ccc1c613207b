//! One CSV file per table of the assessment.
//!
//! Numbers are plain (no thousands separators, hyphen-minus for negatives)
//! so spreadsheets read them as numbers. Percentages are rounded to one
//! decimal place and rates to two; a missing value is an empty field.

use safer_analysis::{Assessment, BeatRow, RowKind, TrendRow};
use safer_domain::Month;

use crate::ReportError;
use crate::format::round1;

/// A whole number, or empty (not held, nothing compared).
fn opt<T: ToString>(x: Option<T>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

/// A number rounded to one decimal place, or empty.
fn dec1(x: Option<f64>) -> String {
    x.map(|v| format!("{:.1}", round1(v))).unwrap_or_default()
}

/// A number rounded to two decimal places, or empty.
fn dec2(x: Option<f64>) -> String {
    x.map(|v| format!("{:.2}", (v * 100.0).round() / 100.0 + 0.0))
        .unwrap_or_default()
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// The name of a row kind as in the JSON output.
pub(crate) fn kind_name(k: RowKind) -> &'static str {
    match k {
        RowKind::Category => "category",
        RowKind::AllCrime => "all_crime",
        RowKind::Group => "group",
    }
}

/// Writes records to a CSV string. Every CSV Safer writes goes through
/// here, so that none can carry a formula into a spreadsheet: see
/// [`spreadsheet_safe`].
pub fn table<I, R>(header: &[&str], rows: I) -> Result<String, ReportError>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator,
    R::Item: AsRef<[u8]>,
{
    let err = |e: &dyn std::fmt::Display| ReportError::Csv(e.to_string());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(|e| err(&e))?;
    for r in rows {
        let cells: Vec<std::borrow::Cow<[u8]>> = r
            .into_iter()
            .map(|c| spreadsheet_safe(c.as_ref()).into_owned().into())
            .collect();
        w.write_record(cells).map_err(|e| err(&e))?;
    }
    let bytes = w.into_inner().map_err(|e| err(&e))?;
    String::from_utf8(bytes).map_err(|e| err(&e))
}

/// A cell as a spreadsheet will read it safely. Text beginning with `=`,
/// `+`, `-`, `@`, a tab or a carriage return would be taken for a formula
/// by Excel, LibreOffice and Google Sheets (CSV injection: a project name
/// or an audit detail typed by a user could run when the file is opened),
/// so it is written after an apostrophe, which spreadsheets show as text.
/// Numbers, including negative ones, stay numbers.
pub fn spreadsheet_safe(cell: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let risky = matches!(
        cell.first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    let number = std::str::from_utf8(cell)
        .ok()
        .is_some_and(|s| s.parse::<f64>().is_ok_and(f64::is_finite));
    if risky && !number {
        let mut out = Vec::with_capacity(cell.len() + 1);
        out.push(b'\'');
        out.extend_from_slice(cell);
        out.into()
    } else {
        cell.into()
    }
}

/// The category table: the like-for-like comparison first (the change is
/// always `compared_current − compared_previous`), then the full totals of
/// the months held, each with its number of months.
fn categories(a: &Assessment) -> Result<String, ReportError> {
    let c = &a.comparison;
    table(
        &[
            "category",
            "kind",
            "compared_previous",
            "compared_current",
            "change",
            "change_pct",
            "months_compared",
            "previous",
            "previous_months",
            "current",
            "current_months",
            "rate_per_1000",
            "rate_per_1000_annualised",
        ],
        a.categories.iter().map(|r| {
            vec![
                r.category.clone(),
                kind_name(r.kind).to_owned(),
                opt(r.compared_previous),
                opt(r.compared_current),
                opt(r.change),
                dec1(r.change_pct),
                c.comparable_months.len().to_string(),
                opt(r.previous),
                c.previous_months_held.to_string(),
                r.current.to_string(),
                c.current_months_held.to_string(),
                dec2(r.rate_per_1000),
                dec2(r.rate_per_1000_annualised),
            ]
        }),
    )
}

/// The beats in rank order (1 = most crime).
pub(crate) fn beats_by_rank(a: &Assessment) -> Vec<&BeatRow> {
    let mut beats: Vec<&BeatRow> = a.beats.iter().collect();
    beats.sort_by_key(|b| b.rank);
    beats
}

fn beats(a: &Assessment) -> Result<String, ReportError> {
    let c = &a.comparison;
    let row = |rank: String, b: &BeatRow| {
        vec![
            rank,
            b.beat.clone(),
            opt(b.compared_previous),
            opt(b.compared_current),
            opt(b.change),
            dec1(b.change_pct),
            c.comparable_months.len().to_string(),
            opt(b.previous),
            c.previous_months_held.to_string(),
            b.current.to_string(),
            c.current_months_held.to_string(),
            dec1(Some(b.share)),
        ]
    };
    let mut rows: Vec<Vec<String>> = beats_by_rank(a)
        .into_iter()
        .map(|b| row(b.rank.to_string(), b))
        .collect();
    if let Some(u) = &a.unplaced {
        rows.push(row(String::new(), u));
    }
    table(
        &[
            "rank",
            "beat",
            "compared_previous",
            "compared_current",
            "change",
            "change_pct",
            "months_compared",
            "previous",
            "previous_months",
            "current",
            "current_months",
            "share",
        ],
        rows,
    )
}

fn beat_categories(a: &Assessment) -> Result<String, ReportError> {
    let mut header = vec!["beat"];
    header.extend(a.categories.iter().map(|r| r.category.as_str()));
    table(
        &header,
        a.beat_categories.iter().map(|(beat, counts)| {
            std::iter::once(beat.clone())
                .chain(counts.iter().map(u64::to_string))
                .collect::<Vec<_>>()
        }),
    )
}

fn trend(first_column: &str, rows: &[TrendRow]) -> Result<String, ReportError> {
    table(
        &[first_column, "year", "count", "months_held", "annualised"],
        rows.iter().flat_map(|r| {
            r.years.iter().map(|y| {
                vec![
                    r.name.clone(),
                    y.year.to_string(),
                    opt(y.count),
                    y.months_held.to_string(),
                    dec1(y.annualised),
                ]
            })
        }),
    )
}

/// One row per month from the first held to the last; a month not held has
/// empty counts (a gap, never a zero).
fn trend_by_month(a: &Assessment) -> Result<String, ReportError> {
    let mut header = vec!["month", "held"];
    header.extend(a.categories.iter().map(|r| r.category.as_str()));
    table(
        &header,
        a.trend_by_month.iter().map(|m| {
            let mut row = vec![m.month.to_string(), yes_no(m.held).to_owned()];
            match &m.counts {
                Some(c) => row.extend(c.iter().map(u64::to_string)),
                None => row.extend(a.categories.iter().map(|_| String::new())),
            }
            row
        }),
    )
}

fn months(a: &Assessment) -> Result<String, ReportError> {
    let c = &a.comparison;
    let compared_current = |m: Month| c.comparable_months.contains(&m);
    let compared_previous = |m: Month| c.comparable_months.contains(&m.plus(12));
    let rows = c
        .current_period
        .months()
        .map(|m| {
            (
                "current",
                m,
                !c.current_months_missing.contains(&m),
                compared_current(m),
            )
        })
        .chain(c.previous_period.months().map(|m| {
            (
                "previous",
                m,
                !c.previous_months_missing.contains(&m),
                compared_previous(m),
            )
        }))
        .map(|(period, m, held, compared)| {
            vec![
                period.to_owned(),
                m.to_string(),
                yes_no(held).to_owned(),
                yes_no(compared).to_owned(),
            ]
        });
    table(&["period", "month", "held", "compared"], rows)
}

/// The CSV files, in the order [`csv_tables`] gives them.
pub(crate) const FILES: [&str; 7] = [
    "categories.csv",
    "beats.csv",
    "beat_categories.csv",
    "trend_by_beat.csv",
    "trend_by_category.csv",
    "trend_by_month.csv",
    "months.csv",
];

/// Every CSV table: (file name, content), in the order of [`FILES`].
pub fn csv_tables(a: &Assessment) -> Result<Vec<(String, String)>, ReportError> {
    let contents = [
        categories(a)?,
        beats(a)?,
        beat_categories(a)?,
        trend("beat", &a.trend_by_beat)?,
        trend("category", &a.trend_by_category)?,
        trend_by_month(a)?,
        months(a)?,
    ];
    Ok(FILES
        .iter()
        .zip(contents)
        .map(|(f, c)| ((*f).to_owned(), c))
        .collect())
}

#[cfg(test)]
mod spreadsheet_tests {
    use super::*;

    #[test]
    fn formulas_are_written_as_text_and_numbers_as_numbers() {
        let csv = table(
            &["name", "amount"],
            [
                ["=HYPERLINK(\"http://x\")", "-12.50"],
                ["+1", "3"],
                ["-x", "-0"],
                ["@SUM(A1)", "1e3"],
                ["\tx", "12"],
                ["\rx", "7"],
                ["Shop watch", "-5"],
            ],
        )
        .unwrap();
        let rows: Vec<Vec<String>> = csv::Reader::from_reader(csv.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(
            names,
            [
                "'=HYPERLINK(\"http://x\")",
                "+1",
                "'-x",
                "'@SUM(A1)",
                "'\tx",
                "'\rx",
                "Shop watch"
            ]
        );
        let amounts: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
        assert_eq!(amounts, ["-12.50", "3", "-0", "1e3", "12", "7", "-5"]);
    }

    proptest::proptest! {
        /// No cell a spreadsheet would take for a formula comes out, and
        /// every other cell comes out as it went in.
        #[test]
        fn no_formula_survives(cell in "\\PC{0,12}") {
            let out = spreadsheet_safe(cell.as_bytes()).into_owned();
            let s = String::from_utf8(out).unwrap();
            let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
            proptest::prop_assert!(!formula || s.parse::<f64>().is_ok());
            let quoted = format!("'{cell}");
            proptest::prop_assert!(s == cell || s == quoted, "{:?} became {:?}", cell, s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::sample;

    fn file<'a>(tables: &'a [(String, String)], name: &str) -> Vec<&'a str> {
        tables
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .1
            .lines()
            .collect()
    }

    #[test]
    fn every_table_is_written_in_order() {
        let t = csv_tables(&sample()).unwrap();
        let names: Vec<&str> = t.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "categories.csv",
                "beats.csv",
                "beat_categories.csv",
                "trend_by_beat.csv",
                "trend_by_category.csv",
                "trend_by_month.csv",
                "months.csv"
            ]
        );
    }

    #[test]
    fn categories_csv() {
        let a = sample();
        let t = csv_tables(&a).unwrap();
        let lines = file(&t, "categories.csv");
        assert_eq!(
            lines[0],
            "category,kind,compared_previous,compared_current,change,change_pct,months_compared,previous,previous_months,current,current_months,rate_per_1000,rate_per_1000_annualised"
        );
        assert_eq!(lines.len(), 1 + a.categories.len());
        // The fixture: 2023-08 is missing, so the change compares 11 months;
        // the rate over 11 months is also shown annualised (× 12 / 11).
        assert_eq!(
            lines[1],
            "All crime,all_crime,1320,1221,-99,-7.5,11,1440,12,1221,11,12.21,13.32"
        );
        let robbery = lines.iter().find(|l| l.starts_with("Robbery,")).unwrap();
        assert_eq!(
            *robbery,
            "Robbery,category,0,11,11,,11,0,12,11,11,0.11,0.12"
        );
        let group = lines
            .iter()
            .find(|l| l.starts_with("\"Serious, acquisitive\","))
            .unwrap();
        assert!(
            group.starts_with("\"Serious, acquisitive\",group,"),
            "{group}"
        );
    }

    #[test]
    fn beats_csv_has_ranks_and_the_unplaced_row() {
        let t = csv_tables(&sample()).unwrap();
        let lines = file(&t, "beats.csv");
        assert_eq!(
            lines[0],
            "rank,beat,compared_previous,compared_current,change,change_pct,months_compared,previous,previous_months,current,current_months,share"
        );
        assert_eq!(
            lines[1],
            "1,Town Centre,880,770,-110,-12.5,11,960,12,770,11,63.1"
        );
        assert_eq!(lines[2], "2,<script>,440,440,0,0.0,11,480,12,440,11,36.0");
        assert_eq!(lines[3], ",Not placed in a beat,0,11,11,,11,0,12,11,11,0.9");
        assert_eq!(lines.len(), 4);
    }

    /// A previous period with no month held: its figures and the change are
    /// empty, never zero.
    #[test]
    fn nothing_held_is_empty_not_zero() {
        let mut counts = crate::tests::sample_counts();
        counts
            .months
            .retain(|m, _| m.financial_year().start_year() == 2023);
        counts
            .force_month_records
            .retain(|(_, m), _| m.financial_year().start_year() == 2023);
        let a = Assessment::build(&counts, &crate::tests::sample_request()).unwrap();
        let t = csv_tables(&a).unwrap();
        let lines = file(&t, "categories.csv");
        assert_eq!(lines[1], "All crime,all_crime,,,,,0,,0,1221,11,12.21,13.32");
        let lines = file(&t, "trend_by_category.csv");
        assert_eq!(lines[1], "All crime,2023/24,1221,11,1332.0");
    }

    #[test]
    fn beat_categories_csv() {
        let a = sample();
        let t = csv_tables(&a).unwrap();
        let lines = file(&t, "beat_categories.csv");
        assert!(
            lines[0].starts_with("beat,All crime,Bicycle theft,Burglary,"),
            "{}",
            lines[0]
        );
        assert!(
            lines[0].ends_with(",Anti-social behaviour,\"Serious, acquisitive\""),
            "{}",
            lines[0]
        );
        assert_eq!(lines[0].matches(',').count(), a.categories.len() + 1);
        // <script>: 40 burglaries a month for 11 months, nothing else.
        assert!(
            lines[2].starts_with("<script>,440,0,440,0,"),
            "{}",
            lines[2]
        );
        assert_eq!(lines.len(), 1 + a.beat_categories.len());
    }

    #[test]
    fn trend_csvs_are_long_format() {
        let t = csv_tables(&sample()).unwrap();
        let lines = file(&t, "trend_by_beat.csv");
        assert_eq!(lines[0], "beat,year,count,months_held,annualised");
        assert_eq!(lines[1], "Town Centre,2022/23,960,12,");
        assert_eq!(lines[2], "Town Centre,2023/24,770,11,840.0");
        let lines = file(&t, "trend_by_category.csv");
        assert_eq!(lines[0], "category,year,count,months_held,annualised");
        assert_eq!(lines[1], "All crime,2022/23,1440,12,");
        assert_eq!(lines[2], "All crime,2023/24,1221,11,1332.0");
    }

    #[test]
    fn trend_by_month_csv_leaves_gaps_empty() {
        let a = sample();
        let t = csv_tables(&a).unwrap();
        let lines = file(&t, "trend_by_month.csv");
        assert!(
            lines[0].starts_with("month,held,All crime,Bicycle theft,"),
            "{}",
            lines[0]
        );
        assert_eq!(lines.len(), 1 + 24);
        assert!(
            lines[1].starts_with("2022-04,yes,120,0,40,"),
            "{}",
            lines[1]
        );
        let gap = lines.iter().find(|l| l.starts_with("2023-08,")).unwrap();
        assert_eq!(
            *gap,
            format!("2023-08,no{}", ",".repeat(a.categories.len()))
        );
    }

    #[test]
    fn months_csv_marks_held_and_compared() {
        let t = csv_tables(&sample()).unwrap();
        let lines = file(&t, "months.csv");
        assert_eq!(lines[0], "period,month,held,compared");
        assert_eq!(lines.len(), 1 + 24);
        assert!(lines.contains(&"current,2023-04,yes,yes"));
        assert!(lines.contains(&"current,2023-08,no,no"));
        assert!(lines.contains(&"previous,2022-08,yes,no"));
        assert!(lines.contains(&"previous,2022-09,yes,yes"));
    }

    #[test]
    fn plain_numbers() {
        assert_eq!(dec1(Some(-0.04)), "0.0");
        assert_eq!(dec1(Some(-8.333)), "-8.3");
        assert_eq!(dec1(None), "");
        assert_eq!(dec2(Some(13.2)), "13.20");
        assert_eq!(dec2(Some(1234.567)), "1234.57");
    }
}
