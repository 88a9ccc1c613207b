//! Publishing a Partnership Strategic Assessment, the quarterly
//! performance report, the annual report to the scrutiny committee and the
//! Partnership Locality Fund return.
//!
//! This crate owns the presentation of a [`safer_analysis::Assessment`]: one
//! self-contained, printable, accessible HTML page (GOV.UK style, inline CSS
//! and hand-written SVG charts) and one CSV file per table. It does the same
//! for a [`safer_analysis::PerformanceReview`] (quarterly and annual HTML,
//! measures.csv, and a PDF printed by headless Chromium when it is
//! installed), and writes a [`safer_domain::FundReturn`] as CSV and XLSX. It
//! does no analysis: every figure it prints is already in its input; it only
//! formats, escapes and lays them out (and writes the files).
//! The markup of every page and chart is in askama templates
//! (`templates/`), compiled in; the modules prepare what they say, and the
//! templates escape every value they insert.
//!
//! It also words what the domain finds: a measure's status comes from the
//! rules as a structured [`safer_domain::Finding`], and [`measure_reason`]
//! writes the English sentence that the reports, the dashboard, measures.csv
//! and the API print beside it.

#[cfg(test)]
mod adds_up;
mod csv_out;
#[cfg(test)]
mod escaping;
mod format;
mod fund_return;
mod html;
mod pdf;
mod plan_words;
mod quarterly;
mod reason;
mod svg;

pub use reason::measure_reason;

use std::path::{Path, PathBuf};

use safer_analysis::{Assessment, PerformanceReview};
use safer_domain::FundReturn;

/// What the report says about itself beyond the assessment.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportMeta {
    /// The partnership's name, printed above the title when given.
    pub partnership_name: Option<String>,
    /// When the report was generated, printed as given.
    pub generated_at: String,
    /// For a performance report: what the plan's latest annual refresh
    /// changed, printed near the top.
    pub refresh: Option<PlanRefresh>,
    /// For an assessment: the analyst's narrative, printed after the
    /// summary.
    pub narrative: Option<safer_domain::Narrative>,
    /// When the web application serves the report: its menu and a way
    /// back, shown on screen and never printed.
    pub site: Option<SiteNav>,
}

/// The web application's menu on a report it serves, so a reader can go
/// on from the report as from any page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SiteNav {
    /// The menu's links: (label, address).
    pub links: Vec<(String, String)>,
    /// The page the report was opened from: (label, address).
    pub back: Option<(String, String)>,
}

/// What a plan's latest refresh changed, from one version to the next.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRefresh {
    pub from_version: i64,
    pub to_version: i64,
    /// When the refresh was imported (RFC 3339, as stored).
    pub imported_at: String,
    pub changes: Vec<safer_domain::PlanChange>,
}

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Csv(String),
    /// Chromium was found but did not print the PDF.
    #[error("PDF: {0}")]
    Pdf(String),
    /// The XLSX workbook could not be written.
    #[error("XLSX: {0}")]
    Xlsx(String),
}

/// The assessment as one self-contained HTML page.
pub fn render_html(a: &Assessment, meta: &ReportMeta) -> String {
    html::render_html(a, meta)
}

pub use csv_out::{spreadsheet_safe, table as csv_table};
pub use plan_words::{
    baseline_values_text, direction_text, plan_change_text, source_text, target_text,
};

/// Every table of the assessment as CSV: (file name, content), in the
/// order of [`CSV_FILES`].
pub fn csv_tables(a: &Assessment) -> Result<Vec<(String, String)>, ReportError> {
    csv_out::csv_tables(a)
}

/// The names of the CSV files [`csv_tables`] writes, in order.
pub const CSV_FILES: [&str; 7] = csv_out::FILES;

/// The monthly trend of some rows of the category table (by index) as an
/// SVG line chart, with months not held as gaps.
pub fn month_chart(a: &Assessment, rows: &[usize]) -> String {
    html::month_chart(a, rows)
}

/// The name of the HTML file [`write_assessment`] writes.
const HTML_FILE: &str = "assessment.html";

/// Writes assessment.html and every CSV into out_dir (creating it); returns the paths written, HTML first.
pub fn write_assessment(
    a: &Assessment,
    meta: &ReportMeta,
    out_dir: &Path,
) -> Result<Vec<PathBuf>, ReportError> {
    std::fs::create_dir_all(out_dir).map_err(|source| ReportError::Io {
        path: out_dir.to_owned(),
        source,
    })?;
    let mut files = vec![(HTML_FILE.to_owned(), render_html(a, meta))];
    files.extend(csv_tables(a)?);
    let mut written = Vec::with_capacity(files.len());
    for (name, content) in files {
        let path = out_dir.join(name);
        std::fs::write(&path, content).map_err(|source| ReportError::Io {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}

/// quarterly.html: the quarterly performance report.
pub fn render_quarterly_html(
    r: &PerformanceReview,
    fund: Option<&FundReturn>,
    meta: &ReportMeta,
) -> String {
    quarterly::render_quarterly_html(r, fund, meta)
}

/// annual.html: the year-end report for the council's crime and disorder
/// scrutiny committee (Police and Justice Act 2006 s19): same data at Q4,
/// framed as the year's outcome per priority with a short summary count of
/// measures by status, and the year's fund spend.
pub fn render_annual_html(
    r: &PerformanceReview,
    fund: Option<&FundReturn>,
    meta: &ReportMeta,
) -> String {
    quarterly::render_annual_html(r, fund, meta)
}

/// A performance review serialised with each measure's `reason` (the
/// sentence [`measure_reason`] writes) beside the evaluation's structured
/// `finding`: the JSON that API clients and `safer report --json` get.
#[derive(Debug, Clone, Copy)]
pub struct ReviewWithReasons<'a>(pub &'a PerformanceReview);

impl serde::Serialize for ReviewWithReasons<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error;
        let mut v = serde_json::to_value(self.0).map_err(S::Error::custom)?;
        let priorities = v["priorities"].as_array_mut().into_iter().flatten();
        for (p, pv) in self.0.priorities.iter().zip(priorities) {
            let measures = pv["measures"].as_array_mut().into_iter().flatten();
            for (m, mv) in p.measures.iter().zip(measures) {
                if let Some(e) = mv["evaluation"].as_object_mut() {
                    e.insert("reason".to_owned(), measure_reason(&m.evaluation).into());
                }
            }
        }
        v.serialize(s)
    }
}

/// The name of the measures CSV [`write_performance`] writes.
const MEASURES_FILE: &str = "measures.csv";

/// Writes `<name>.html`, measures.csv (one row per measure: priority,
/// measure id, text, source, comparison_year, period, comparison, target,
/// actual, status, interval_low, interval_high, significance, reason) and
/// `<name>.pdf` when Chromium is available, into out_dir (creating it).
/// Returns the paths written (HTML, CSV, then the PDF if made) and whether a
/// PDF was made. `name` is a file stem such as "quarterly" or "annual".
pub fn write_performance(
    html: &str,
    r: &PerformanceReview,
    name: &str,
    out_dir: &Path,
) -> Result<(Vec<PathBuf>, bool), ReportError> {
    if name.is_empty() || name.contains(['/', '\\']) || name == "." || name == ".." {
        return Err(ReportError::Io {
            path: out_dir.join(name),
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the report name must be a plain file name such as \"quarterly\"",
            ),
        });
    }
    std::fs::create_dir_all(out_dir).map_err(|source| ReportError::Io {
        path: out_dir.to_owned(),
        source,
    })?;
    let write = |path: PathBuf, content: &str| {
        std::fs::write(&path, content)
            .map(|()| path.clone())
            .map_err(|source| ReportError::Io { path, source })
    };
    let html_path = write(out_dir.join(format!("{name}.html")), html)?;
    let csv_path = write(out_dir.join(MEASURES_FILE), &quarterly::measures_csv(r)?)?;
    let mut written = vec![html_path.clone(), csv_path];
    let pdf_path = out_dir.join(format!("{name}.pdf"));
    let made = html_to_pdf(&html_path, &pdf_path)?;
    if made {
        written.push(pdf_path);
    }
    Ok((written, made))
}

/// Prints an HTML file to PDF with headless Chromium. `Ok(false)` when no
/// Chromium is found (it looks for `SAFER_CHROMIUM`, a path or a program
/// name, then `chromium`, `chromium-browser` and `google-chrome` on PATH);
/// an error if Chromium is found but fails, takes over 120 seconds, or
/// leaves no PDF.
pub fn html_to_pdf(html: &Path, pdf: &Path) -> Result<bool, ReportError> {
    pdf::html_to_pdf_with(
        html,
        pdf,
        std::env::var_os(pdf::CHROMIUM_ENV).as_deref(),
        std::env::var_os("PATH").as_deref(),
        &pdf::CHROMIUM_NAMES,
    )
}

/// The Partnership Locality Fund return as CSV: one row per project
/// (project, lead_agency, plan, priority, action_id, budget, q1_spend …
/// q4_spend, spent_to_date, profile_to_date, remaining, flags), amounts in
/// pounds with two decimals.
pub fn fund_return_csv(f: &FundReturn) -> Result<String, ReportError> {
    fund_return::fund_return_csv(f)
}

/// Writes the Partnership Locality Fund return as an XLSX workbook: a
/// "Return" sheet (title block, one row per project, totals) and a
/// "Warnings" sheet.
pub fn fund_return_xlsx(f: &FundReturn, path: &Path) -> Result<(), ReportError> {
    fund_return::fund_return_xlsx(f, path)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use safer_analysis::{
        AssessmentRequest, Beats, CategoryCounts, DistrictCounts, MonthCounts, PlacementSummary,
    };
    use safer_domain::{Category, CategoryGroup, FinancialYear, Month, PopulationSource};

    fn counts(pairs: &[(Category, u64)]) -> CategoryCounts {
        let mut c = [0; 15];
        for (cat, n) in pairs {
            c[cat.index()] = *n;
        }
        c
    }

    /// Two beats, "Town Centre" and "<script>", from April 2022 to March
    /// 2024 with August 2023 missing. Each month: Town Centre 50 (previous
    /// year) or 40 (current year) shoplifting, 30 violence and 10 ASB;
    /// "<script>" 40 burglaries; in the current year one robbery a month
    /// with no location (not placed in a beat). Population 100,000.
    pub(crate) fn sample_counts() -> DistrictCounts {
        let beats = Beats {
            names: vec!["Town Centre".into(), "<script>".into()],
            shapes: vec![vec![], vec![]],
        };
        let mut d = DistrictCounts::new("Charnwood", &beats);
        let first: Month = "2022-04".parse().unwrap();
        let mut total = 0;
        for i in 0..24 {
            let m = first.plus(i);
            if m.to_string() == "2023-08" {
                continue;
            }
            let current = i >= 12;
            d.note_file("leicestershire", m, 2);
            let town = counts(&[
                (Category::Shoplifting, if current { 40 } else { 50 }),
                (Category::ViolenceAndSexualOffences, 30),
                (Category::AntiSocialBehaviour, 10),
            ]);
            let script = counts(&[(Category::Burglary, 40)]);
            let unplaced = counts(&[(Category::Robbery, u64::from(current))]);
            let mut district = [0; 15];
            for (k, slot) in district.iter_mut().enumerate() {
                *slot = town[k] + script[k] + unplaced[k];
            }
            total += district.iter().sum::<u64>();
            d.force_month_records
                .insert(("leicestershire".into(), m), district.iter().sum());
            let placement = PlacementSummary {
                inside: town.iter().chain(&script).sum(),
                no_location: unplaced.iter().sum(),
                ..PlacementSummary::default()
            };
            d.months.insert(
                m,
                MonthCounts {
                    district,
                    beats: vec![town, script],
                    unplaced,
                    placement,
                },
            );
        }
        d.forces.insert("leicestershire".into(), total);
        d
    }

    pub(crate) fn sample_request() -> AssessmentRequest {
        AssessmentRequest {
            district: "Charnwood".into(),
            year: FinancialYear::starting(2023),
            as_at: None,
            groups: vec![CategoryGroup {
                name: "Serious, acquisitive".into(),
                categories: vec![
                    Category::Burglary,
                    Category::Robbery,
                    Category::VehicleCrime,
                    Category::TheftFromThePerson,
                ],
            }],
            population: Some(PopulationSource {
                value: 100_000,
                source: "ONS mid-2022 & <estimates>".into(),
            }),
            areas: safer_analysis::Areas {
                basis: Some("Approximated from whole wards <b>".into()),
                beats: vec![
                    safer_analysis::BeatDescription {
                        name: "Town Centre".into(),
                        localities: Some("The market & station".into()),
                        method: Some("Wards A and B".into()),
                    },
                    safer_analysis::BeatDescription {
                        name: "<script>".into(),
                        localities: None,
                        method: None,
                    },
                ],
            },
        }
    }

    pub(crate) fn sample() -> Assessment {
        Assessment::build(&sample_counts(), &sample_request()).unwrap()
    }

    fn meta() -> ReportMeta {
        ReportMeta {
            partnership_name: Some("Charnwood Community Safety Partnership".into()),
            refresh: None,
            narrative: None,
            site: None,
            generated_at: "2024-05-01 09:30".into(),
        }
    }

    #[test]
    fn the_fixture_is_what_the_tests_assume() {
        let a = sample();
        assert_eq!(a.comparison.current_months_missing.len(), 1);
        assert!(!a.comparison.like_for_like);
        let all = a.all_crime().unwrap();
        assert_eq!(
            (
                all.previous,
                all.current,
                all.compared_previous,
                all.compared_current
            ),
            (Some(1440), 1221, Some(1320), Some(1221))
        );
        assert_eq!(a.trend_by_beat.len(), 3);
        assert!(a.warnings.len() >= 3, "{:?}", a.warnings);
    }

    #[test]
    fn html_escapes_a_beat_named_script() {
        let html = render_html(&sample(), &meta());
        assert!(!html.contains("<script"), "unescaped <script> in the HTML");
        assert!(html.contains("<th scope=\"row\">&lt;script&gt;</th>"));
        assert!(html.contains("ONS mid-2022 &amp; &lt;estimates&gt;"));
    }

    #[test]
    fn html_shows_every_warning_before_the_tables() {
        let a = sample();
        let html = render_html(&a, &meta());
        let panel = html
            .find("class=\"warning-panel\"")
            .expect("no warning panel");
        let first_table = html.find("<table").unwrap();
        assert!(panel < first_table);
        for w in &a.warnings {
            let at = html
                .find(&format::escape(w))
                .unwrap_or_else(|| panic!("warning missing: {w}"));
            assert!(
                at > panel && at < first_table,
                "warning out of the panel: {w}"
            );
        }
        // The missing month is named at the top.
        assert!(html[..first_table].contains("2023-08"));
        assert!(html[..first_table].contains("missing: August 2023"));
    }

    #[test]
    fn html_has_the_title_tables_and_attribution() {
        let a = sample();
        let html = render_html(&a, &meta());
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
        assert!(html.contains("<h1>Partnership Strategic Assessment: Charnwood 2023/24</h1>"));
        assert!(
            html.contains("<title>Partnership Strategic Assessment: Charnwood 2023/24</title>")
        );
        assert!(html.contains("Charnwood Community Safety Partnership"));
        for caption in [
            "Crime by category in",
            "All crime by beat in",
            "Records by beat and category",
            "Records by month in",
            "All crime by beat, by financial year",
            "Records by category and financial year",
            "The beats and what they cover",
        ] {
            assert!(
                html.contains(&format!("<caption>{caption}"))
                    || html.contains(&format!("\">{caption}")),
                "{caption}"
            );
        }
        assert_eq!(
            html.matches("<table").count(),
            html.matches("<caption").count()
        );
        // Categories, beats, two of beat by category (16 columns do not fit
        // one portrait page), months, two trends and the beats described.
        assert_eq!(html.matches("<table").count(), 8);
        // The all-crime row: the like-for-like figures the change is made
        // from first (11 months), then the totals of the months held (12
        // and 11), then the rate over 11 months and annualised.
        assert!(html.contains("<tr class=\"row-total\"><th scope=\"row\">All crime</th><td class=\"num\">1,320</td><td class=\"num\">1,221</td><td class=\"num\">\u{2212}99</td><td class=\"num\">\u{2212}7.5%</td><td class=\"num\">1,440</td><td class=\"num\">1,221</td><td class=\"num\">12.2</td><td class=\"num\">13.3</td></tr>"));
        assert!(html.contains("Like for like: the 11 months compared"));
        assert!(html.contains("Previous<span class=\"th-sub\">all 12 months</span>"));
        assert!(html.contains("Current<span class=\"th-sub\">11 of 12 months</span>"));
        assert!(html.contains("id=\"note-compared\""));
        assert!(html.contains("All crime \u{2212}7.5%, 1,320 → 1,221"));
        // Robbery: nothing last year.
        assert!(html.contains("<th scope=\"row\">Robbery</th><td class=\"num\">0</td><td class=\"num\">11</td><td class=\"num\">+11</td><td class=\"num\">n/a</td><td class=\"num\">0</td><td class=\"num\">11</td><td class=\"num\">0.1</td><td class=\"num\">0.1</td>"));
        // Beats in rank order, then the unplaced row without a rank.
        let town = html
            .find("<th scope=\"row\">Town Centre</th><td class=\"num\">880</td><td class=\"num\">770</td><td class=\"num\">\u{2212}110</td>")
            .unwrap();
        let script = html
            .find("<th scope=\"row\">&lt;script&gt;</th><td class=\"num\">440</td>")
            .unwrap();
        let unplaced = html.find("<span class=\"visually-hidden\">Not ranked</span></td><th scope=\"row\">Not placed in a beat</th>").unwrap();
        assert!(town < script && script < unplaced);
        assert!(html.contains("<td class=\"num\">63.1%</td>"));
        assert!(html.contains("How the district's 1,331 records in the current period were placed in beats: 1,320 inside a beat's boundary; 0 just outside every beat (within 250 m) and given to the nearest beat; 11 with no location; 0 more than 250 m outside every beat."));
        // Partial years are marked in the trend headers and notes, with
        // their annualised value: 770 in 11 months is 840 a year.
        assert!(html.contains("2023/24<span class=\"th-sub\">11 of 12 months</span>"));
        assert!(html.contains("2023/24: 11 of 12 months held"));
        assert!(html.contains("770<span class=\"th-sub\">840 a year, annualised</span>"));
        // The month not held is a gap, never a zero.
        assert!(html.contains(
            "<tr><th scope=\"row\">August 2023</th><td class=\"num not-held\">not held</td>"
        ));
        // What the beats and groups are.
        assert!(html.contains("Approximated from whole wards &lt;b&gt;"));
        assert!(html.contains("<tr><th scope=\"row\">Town Centre</th><td>The market &amp; station</td><td>Wards A and B</td></tr>"));
        assert!(html.contains("<li>Serious, acquisitive: Burglary, Robbery, Vehicle crime, Theft from the person.</li>"));
        assert!(html.contains(html::ATTRIBUTION));
        assert!(html.contains("Generated by Safer on 2024-05-01 09:30"));
        assert!(html.contains("@media print"));
        assert!(
            !html.contains("Transport"),
            "must not use the GOV.UK Transport font"
        );
        assert!(
            !html.contains("src=\"http")
                && !html.contains("href=\"http")
                && !html.contains("<link")
        );
    }

    #[test]
    fn html_headings_are_in_order() {
        let html = render_html(&sample(), &meta());
        let mut last = 0;
        let mut seen_h1 = 0;
        for (i, _) in html.match_indices("<h") {
            let Some(level) = html[i + 2..].chars().next().and_then(|c| c.to_digit(10)) else {
                continue;
            };
            if level == 1 {
                seen_h1 += 1;
            }
            assert!(level <= last + 1, "h{level} after h{last}");
            last = level;
        }
        assert_eq!(seen_h1, 1);
    }

    #[test]
    fn year_to_date_title() {
        let mut req = sample_request();
        req.as_at = Some("2023-09".parse().unwrap());
        let a = Assessment::build(&sample_counts(), &req).unwrap();
        assert_eq!(
            html::title(&a),
            "Partnership Strategic Assessment: Charnwood 2023/24, year to date, April to September 2023"
        );
        let mut req = sample_request();
        req.as_at = Some("2024-01".parse().unwrap());
        let a = Assessment::build(&sample_counts(), &req).unwrap();
        assert!(html::title(&a).ends_with("year to date, April 2023 to January 2024"));
    }

    #[test]
    fn html_svg_is_deterministic_and_never_joins_a_part_year() {
        let a = sample();
        let one = render_html(&a, &meta());
        let two = render_html(&a, &meta());
        assert_eq!(one, two);
        // The change chart, the monthly trend and the beat trend.
        assert_eq!(one.matches("<svg").count(), 3);
        assert_eq!(one.matches("role=\"img\"").count(), 3);
        // By year, 2022/23 is whole and 2023/24 holds 11 months: no line may
        // join them. By month, August 2023 breaks each of the three lines
        // (all crime, ASB, the group) in two.
        let beat_chart = &one[one.find("id=\"chart-beat-trend-title\"").unwrap()..];
        let beat_chart = &beat_chart[..beat_chart.find("</svg>").unwrap()];
        assert_eq!(beat_chart.matches("<polyline").count(), 0);
        assert!(beat_chart.contains("Town Centre, 2023/24: 840 (11 of 12 months, annualised)"));
        assert_eq!(one.matches("<polyline").count(), 6);
        // A bar per category with a non-zero change.
        let nonzero = a
            .categories
            .iter()
            .filter(|r| r.change_pct.is_some_and(|p| format::round1(p) != 0.0))
            .count();
        assert_eq!(one.matches("<rect").count(), nonzero);
    }

    #[test]
    fn no_beats_and_no_population() {
        let mut counts = sample_counts();
        counts.beat_names.clear();
        for m in counts.months.values_mut() {
            m.beats.clear();
        }
        let mut req = sample_request();
        req.population = None;
        let a = Assessment::build(&counts, &req).unwrap();
        let html = render_html(&a, &ReportMeta::default());
        assert!(html.contains("No beats are configured"));
        assert!(!html.contains("chart-beat-trend"));
        assert!(html.contains("rates per 1,000 are n/a"));
        let t = csv_tables(&a).unwrap();
        assert_eq!(
            t[1].1,
            "rank,beat,compared_previous,compared_current,change,change_pct,months_compared,previous,previous_months,current,current_months,share\n"
        );
        assert!(t[0].1.lines().nth(1).unwrap().ends_with(",1221,11,,"));
    }

    #[test]
    fn writes_html_first_then_every_csv() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("nested").join("out");
        let paths = write_assessment(&sample(), &meta(), &out).unwrap();
        let names: Vec<String> = paths
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "assessment.html",
                "categories.csv",
                "beats.csv",
                "beat_categories.csv",
                "trend_by_beat.csv",
                "trend_by_category.csv",
                "trend_by_month.csv",
                "months.csv"
            ]
        );
        for p in &paths {
            assert!(p.starts_with(&out));
            assert!(std::fs::metadata(p).unwrap().len() > 0);
        }
        assert_eq!(
            std::fs::read_to_string(&paths[0]).unwrap(),
            render_html(&sample(), &meta())
        );
    }

    /// The user documentation of the output files and JSON.
    const OUTPUT_DOC: &str = include_str!("../../../docs/assessment-output.md");

    #[test]
    fn every_csv_column_is_documented() {
        for (name, content) in csv_tables(&sample()).unwrap() {
            assert!(
                OUTPUT_DOC.contains(&format!("### `{name}`")),
                "{name} has no section"
            );
            // One column per category row, documented as such, after the
            // named ones.
            let named = match name.as_str() {
                "beat_categories.csv" => 1,
                "trend_by_month.csv" => 2,
                _ => usize::MAX,
            };
            for column in content.lines().next().unwrap().split(',').take(named) {
                assert!(
                    OUTPUT_DOC.contains(&format!("| `{column}` |")),
                    "{name}: column {column} undocumented"
                );
            }
        }
    }

    #[test]
    fn every_json_field_is_documented() {
        fn keys(v: &serde_json::Value, out: &mut Vec<String>) {
            match v {
                serde_json::Value::Object(m) => {
                    for (k, v) in m {
                        out.push(k.clone());
                        keys(v, out);
                    }
                }
                serde_json::Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
                _ => {}
            }
        }
        let mut found = Vec::new();
        keys(&serde_json::to_value(sample()).unwrap(), &mut found);
        assert!(found.len() > 40);
        for k in found {
            let documented = [
                format!("| `{k}` |"),
                format!("| `years[].{k}` |"),
                format!("\"{k}\""),
            ]
            .iter()
            .any(|f| OUTPUT_DOC.contains(f.as_str()));
            assert!(
                documented,
                "JSON field {k} is not in docs/assessment-output.md"
            );
        }
    }

    #[test]
    fn write_errors_name_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a-file");
        std::fs::write(&file, "x").unwrap();
        let err = write_assessment(&sample(), &meta(), &file).unwrap_err();
        assert!(matches!(err, ReportError::Io { .. }));
        assert!(
            err.to_string().starts_with(&file.display().to_string()),
            "{err}"
        );
    }

    #[test]
    fn writes_the_performance_report_csv_and_pdf() {
        let r = quarterly::tests::sample_review();
        let f = fund_return::tests::sample_fund_return();
        let html = render_quarterly_html(&r, Some(&f), &meta());
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("q2 report");
        let (paths, made) = write_performance(&html, &r, "quarterly", &out).unwrap();
        let names: Vec<String> = paths
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names[..2], ["quarterly.html", "measures.csv"]);
        assert_eq!(std::fs::read_to_string(&paths[0]).unwrap(), html);
        let csv = std::fs::read_to_string(&paths[1]).unwrap();
        assert!(csv.starts_with("priority,measure_id,text,source,"));
        assert_eq!(csv.lines().count(), 1 + r.measures().count());
        let chromium = pdf::find_chromium(
            std::env::var_os(pdf::CHROMIUM_ENV).as_deref(),
            std::env::var_os("PATH").as_deref(),
            &pdf::CHROMIUM_NAMES,
        );
        assert_eq!(made, chromium.is_some());
        if made {
            assert_eq!(names[2], "quarterly.pdf");
            let pdf = std::fs::read(&paths[2]).unwrap();
            assert!(pdf.starts_with(b"%PDF") && pdf.len() > 10_000);
        } else {
            assert_eq!(paths.len(), 2);
        }
    }

    #[test]
    fn a_report_name_is_a_file_name() {
        let r = quarterly::tests::sample_review();
        let dir = tempfile::tempdir().unwrap();
        for bad in ["", "../x", "a/b", ".."] {
            let err = write_performance("<p>x</p>", &r, bad, dir.path()).unwrap_err();
            assert!(matches!(err, ReportError::Io { .. }), "{bad}");
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    /// The officers' guide to the quarterly and annual reports and the fund return.
    const QUARTERLY_DOC: &str = include_str!("../../../docs/quarterly-report.md");

    #[test]
    fn every_performance_csv_column_is_documented() {
        let r = quarterly::tests::sample_review();
        let f = fund_return::tests::sample_fund_return();
        for csv in [
            quarterly::measures_csv(&r).unwrap(),
            fund_return_csv(&f).unwrap(),
        ] {
            for column in csv.lines().next().unwrap().split(',') {
                assert!(
                    QUARTERLY_DOC.contains(&format!("| `{column}` |")),
                    "column {column} undocumented in docs/quarterly-report.md"
                );
            }
        }
        for command in [
            "safer report quarterly --plan",
            "safer report annual --plan",
            "safer fund return --partnership",
        ] {
            assert!(QUARTERLY_DOC.contains(command), "{command}");
        }
    }
}
