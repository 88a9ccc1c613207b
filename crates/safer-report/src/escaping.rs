//! Text from the data never becomes markup. Every free-text field of an
//! assessment, a performance review and a fund return here holds a script
//! and an attribute break-out; every report and chart must print it as
//! text, escaped, and never as a tag or an attribute. And no markup is
//! written in Rust at all, where nothing would escape it: the last tests
//! read the crate's own sources.

use safer_analysis::{Assessment, PerformanceReview};
use safer_domain::{Finding, Fund, FundProject, FundReturn, NoStatus, ProjectId};

use crate::tests::{sample_counts, sample_request};
use crate::{ReportMeta, month_chart, render_annual_html, render_html, render_quarterly_html};

/// A script, and a value that would close a quoted attribute and open a tag.
const MARKUP: &str = "<script>alert(1)</script>\"'><img src=x onerror=1>";

/// The markup as a report must print it.
const ESCAPED: &str =
    "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x onerror=1&gt;";

/// A field's value: its name, so a test can find it, then the markup.
fn hostile(field: &str) -> String {
    format!("{field} {MARKUP}")
}

/// What the report prints for a field holding [`hostile`].
fn printed(field: &str) -> String {
    format!("{field} {ESCAPED}")
}

/// Nothing from the data is markup in `out`: no tag it opens, no attribute
/// it breaks out into; what it holds is there only as escaped text.
fn assert_inert(what: &str, out: &str) {
    let lower = out.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "{what}: a raw <script");
    assert!(!lower.contains("<img"), "{what}: a raw <img");
    // "onerror=" appears only inside the escaped text of a field.
    assert_eq!(
        lower.matches("onerror=").count(),
        lower.matches("&lt;img src=x onerror=1&gt;").count(),
        "{what}: onerror= outside escaped text"
    );
    assert!(
        !out.contains("\"'>"),
        "{what}: a quoted attribute broken out of"
    );
}

/// Asserts that `out` is inert and prints each field, escaped.
fn assert_escaped(what: &str, out: &str, fields: &[&str]) {
    assert_inert(what, out);
    for field in fields {
        assert!(
            out.contains(&printed(field)),
            "{what}: the field {field:?} is not printed escaped"
        );
    }
}

fn meta() -> ReportMeta {
    ReportMeta {
        partnership_name: Some(hostile("Partnership")),
        refresh: None,
        narrative: None,
        site: None,
        generated_at: hostile("Generated"),
    }
}

/// The sample assessment with markup in its district, beats, group,
/// population source, beat descriptions, forces and a warning.
fn assessment() -> Assessment {
    let mut counts = sample_counts();
    counts.district = hostile("District");
    counts.beat_names = vec![hostile("Beat north"), hostile("Beat south")];
    let mut req = sample_request();
    req.district = hostile("District");
    req.groups[0].name = hostile("Group");
    if let Some(p) = req.population.as_mut() {
        p.source = hostile("Population source");
    }
    req.areas.basis = Some(hostile("Basis"));
    req.areas.beats[0].name = hostile("Beat north");
    req.areas.beats[0].localities = Some(hostile("Localities"));
    req.areas.beats[0].method = Some(hostile("Method"));
    req.areas.beats[1].name = hostile("Beat south");
    let mut a = Assessment::build(&counts, &req).unwrap();
    // Force names come from police.uk's file names; the report prints them.
    a.forces.push(hostile("Force"));
    a.other_forces.push((hostile("Other force"), 3));
    a.warnings.push(hostile("Warning"));
    a
}

#[test]
fn the_assessment_prints_text_from_the_data_escaped() {
    let a = assessment();
    let html = render_html(&a, &meta());
    assert_escaped(
        "assessment.html",
        &html,
        &[
            "District",
            "Beat north",
            "Beat south",
            "Group",
            "Population source",
            "Basis",
            "Localities",
            "Method",
            "Force",
            "Other force",
            "Warning",
            "Partnership",
            "Generated",
        ],
    );
    // Its charts too: the change by category (the group's bar), the
    // trend by month (the group's line) and the trend by beat.
    for (id, fields) in [
        ("chart-change", &["Group"][..]),
        ("chart-month-trend", &["Group"]),
        ("chart-beat-trend", &["Beat north", "Beat south"]),
    ] {
        let start = html
            .find(&format!("aria-labelledby=\"{id}-title"))
            .unwrap_or_else(|| panic!("no chart {id}"));
        let svg = &html[start..start + html[start..].find("</svg>").unwrap()];
        assert_escaped(id, svg, fields);
    }
}

#[test]
fn the_month_chart_prints_text_from_the_data_escaped() {
    let a = assessment();
    let group = a
        .categories
        .iter()
        .position(|r| r.category == hostile("Group"))
        .unwrap();
    let svg = month_chart(&a, &[0, group]);
    assert!(svg.starts_with("<svg "), "{svg}");
    assert_escaped("month_chart", &svg, &["Group"]);
}

/// The sample review with markup in its plan, priorities, measures (their
/// texts, sources, comparison years and the plan's words a reason quotes),
/// actions and updates.
fn review() -> PerformanceReview {
    let mut r = crate::quarterly::tests::sample_review();
    r.plan_title = hostile("Plan title");
    r.plan_id = hostile("Plan id");
    // A measure whose reason quotes each of the plan's own words.
    let template = r.priorities[1].measures[0].clone();
    for (id, why) in [
        (
            "p2-m4",
            NoStatus::NotACategory {
                category: hostile("Category"),
            },
        ),
        (
            "p2-m5",
            NoStatus::NeedsData {
                needs: hostile("Needs"),
            },
        ),
    ] {
        let mut m = template.clone();
        m.id = id.into();
        m.evaluation.finding = Finding::NoStatus { why };
        r.priorities[1].measures.push(m);
    }
    for p in &mut r.priorities {
        p.title = hostile("Priority title");
        for m in &mut p.measures {
            m.text = hostile("Measure text");
            m.source = hostile("Measure source");
            m.comparison_year = Some(hostile("Comparison year"));
            if let Finding::NoStatus {
                why: NoStatus::CaseRecords { record },
            } = &mut m.evaluation.finding
            {
                *record = hostile("Record");
            }
        }
        for a in &mut p.actions {
            a.key_action = hostile("Key action");
            a.lead_agency = hostile("Action lead");
            a.outcome_target = hostile("Outcome");
            for u in &mut a.updates {
                u.text = hostile("Update text");
                u.author = hostile("Update author");
            }
        }
    }
    r
}

/// A fund return whose projects, leads, grant source and a priority id
/// hold markup (the second project's priority is not in the plan, so the
/// report names it by its id), with an underspend warning quoting a name.
fn fund(quarter: u8) -> FundReturn {
    let project = |id: i64, name: &str, priority: String, spend: [i64; 4]| FundProject {
        id: ProjectId::from_stored(id),
        name: hostile(name),
        lead_agency_id: None,
        lead_agency: hostile("Project lead"),
        budget_pence: 100_000,
        plan_id: hostile("Project plan"),
        priority_id: priority,
        action_id: None,
        spend_pence: spend,
    };
    let fund = Fund {
        partnership: hostile("Fund partnership"),
        year: "2024/25".parse().unwrap(),
        allocation_pence: 500_000,
        source: hostile("Grant source"),
        projects: vec![
            project(1, "Project one", "p1".into(), [1, 0, 0, 0]),
            project(
                2,
                "Project two",
                hostile("Priority id"),
                [90_000, 90_000, 0, 0],
            ),
        ],
    };
    FundReturn::build(&fund, quarter, safer_domain::DEFAULT_UNDERSPEND_THRESHOLD)
}

/// The fields every performance report prints.
const REVIEW_FIELDS: [&str; 15] = [
    "Plan title",
    "Plan id",
    "Priority title",
    "Measure text",
    "Measure source",
    "Comparison year",
    "Record",
    "Needs",
    "Key action",
    "Action lead",
    "Update text",
    "Update author",
    "Project one",
    "Project lead",
    "Grant source",
];

#[test]
fn the_performance_reports_print_text_from_the_data_escaped() {
    let r = review();
    let mut year_end = r.clone();
    year_end.quarter = "2024-Q4".parse().unwrap();
    year_end.as_at = "2025-03-31".parse().unwrap();
    for (what, html) in [
        (
            "quarterly.html",
            render_quarterly_html(&r, Some(&fund(2)), &meta()),
        ),
        (
            "annual.html",
            render_annual_html(&r, Some(&fund(2)), &meta()),
        ),
        (
            "annual.html at the year end",
            render_annual_html(&year_end, Some(&fund(4)), &meta()),
        ),
    ] {
        assert_escaped(what, &html, &REVIEW_FIELDS);
        assert_escaped(
            what,
            &html,
            &["Project two", "Priority id", "Partnership", "Generated"],
        );
        // Every reason, the one quoting a category as Rust would (in
        // quotes) too.
        for m in r.measures() {
            let reason = crate::format::escape(&crate::measure_reason(&m.evaluation));
            assert!(html.contains(&reason), "{what}: {reason}");
        }
        assert!(html.contains(&format!("&quot;Category {}", &ESCAPED[..20])));
        // The sparklines' titles name their measure.
        let spark = html.find("class=\"sparkline\"").expect("no sparkline");
        let svg = &html[spark..spark + html[spark..].find("</svg>").unwrap()];
        assert_escaped(what, svg, &["Measure text"]);
    }
}

/// The string literals of Rust source outside its line comments (the
/// crate writes no block comments), with the line each starts on.
fn string_literals(code: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = code.chars().collect();
    let (mut found, mut line, mut i) = (Vec::new(), 1, 0);
    while i < chars.len() {
        match chars[i] {
            '\n' => line += 1,
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            // A quote as a character ('"', '\"') opens no string.
            '\'' if chars.get(i + 1) == Some(&'"') => i += 2,
            '\'' if chars.get(i + 1) == Some(&'\\') && chars.get(i + 2) == Some(&'"') => i += 3,
            'r' if matches!(chars.get(i + 1), Some('#' | '"'))
                && (i == 0 || !chars[i - 1].is_alphanumeric()) =>
            {
                let hashes = chars[i + 1..].iter().take_while(|c| **c == '#').count();
                if chars.get(i + 1 + hashes) == Some(&'"') {
                    let close: String = std::iter::once('"')
                        .chain("#".repeat(hashes).chars())
                        .collect();
                    let start = i + 2 + hashes;
                    let rest: String = chars[start..].iter().collect();
                    let end = rest.find(&close).unwrap_or(rest.len());
                    let literal = &rest[..end];
                    found.push((line, literal.to_owned()));
                    line += literal.matches('\n').count();
                    i = start + literal.chars().count() + close.chars().count();
                    continue;
                }
            }
            '"' => {
                let (start_line, mut literal) = (line, String::new());
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        literal.push(chars[i]);
                        i += 1;
                    }
                    if chars.get(i) == Some(&'\n') {
                        line += 1;
                    }
                    if let Some(c) = chars.get(i) {
                        literal.push(*c);
                    }
                    i += 1;
                }
                found.push((start_line, literal));
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// No HTML or SVG is built in Rust: outside the tests, no string literal of
/// the crate opens, closes or declares a tag (`<td`, `</svg`,
/// `<!DOCTYPE`). Markup belongs in the templates, where askama escapes
/// every value inserted; Rust prepares only text and figures.
#[test]
fn no_markup_is_written_in_rust() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    // Modules that exist only in tests (this one, the property test).
    let test_only: Vec<String> = lib
        .split("#[cfg(test)]\nmod ")
        .skip(1)
        .filter_map(|s| s.split(';').next())
        .map(|m| format!("{m}.rs"))
        .collect();
    assert!(
        test_only.contains(&"escaping.rs".to_owned()),
        "{test_only:?}"
    );
    let mut checked = 0;
    let mut markup = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".rs") || test_only.contains(&name) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // The unit tests at the end of a module may hold markup they expect.
        let code = [
            "\n#[cfg(test)]\nmod tests",
            "\n#[cfg(test)]\npub(crate) mod tests",
        ]
        .iter()
        .filter_map(|m| text.find(m))
        .min()
        .map_or(text.as_str(), |end| &text[..end]);
        for (line, literal) in string_literals(code) {
            let opens_tag = literal.match_indices('<').any(|(i, _)| {
                literal[i + 1..]
                    .starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!')
            });
            if opens_tag {
                markup.push(format!("src/{name}:{line}: \"{literal}\""));
            }
        }
        checked += 1;
    }
    assert!(
        checked >= 8,
        "only {checked} source files found in {}",
        src.display()
    );
    assert!(
        markup.is_empty(),
        "markup written in Rust, not in a template:\n{}",
        markup.join("\n")
    );
}

/// The reader of literals finds them and only them: none in a comment, and
/// a quote as a character opens none.
#[test]
fn the_markup_check_finds_string_literals() {
    let code = "let a = \"<p>\"; // \"<b>\"\nlet q = '\"'; let b = r#\"x \"<i>\" y\"#;\nlet c = \"it\\\"s\";";
    let found = string_literals(code);
    assert_eq!(
        found,
        [
            (1, "<p>".to_owned()),
            (2, "x \"<i>\" y".to_owned()),
            (3, "it\\\"s".to_owned()),
        ]
    );
}
