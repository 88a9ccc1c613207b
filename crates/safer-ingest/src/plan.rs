//! The plan file (TOML): a partnership plan as data.
//!
//! The format is documented in `docs/plan-format.md`; the Charnwood plans
//! in `examples/charnwood/plan-*.toml` are complete examples.

use std::path::Path;

use safer_domain::{
    Category, Direction, FinancialYear, Measure, MeasureSource, Plan, Priority, Statement,
    TargetKind, Theme,
};
use serde::Deserialize;
use toml::Spanned;

use crate::IngestError;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    id: Spanned<String>,
    partnership: String,
    title: String,
    first_year: Spanned<String>,
    last_year: Spanned<String>,
    vision: Option<String>,
    source: String,
    min_months_share: Option<Spanned<f64>>,
    #[serde(default)]
    themes: Vec<RawTheme>,
    #[serde(default)]
    priorities: Vec<RawPriority>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTheme {
    id: Spanned<String>,
    title: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPriority {
    id: Spanned<String>,
    number: u32,
    theme: Option<Spanned<String>>,
    title: String,
    #[serde(default)]
    why: Vec<String>,
    #[serde(default)]
    objectives: Vec<RawStatement>,
    #[serde(default)]
    responses: Vec<RawStatement>,
    #[serde(default)]
    measures: Vec<RawMeasure>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatement {
    id: Spanned<String>,
    text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeasure {
    id: Spanned<String>,
    text: String,
    direction: Spanned<String>,
    target: Spanned<String>,
    target_value: Option<f64>,
    baseline: Option<Spanned<String>>,
    /// The baseline year's values by quarter (Q1 first), for a measure
    /// entered by hand whose baseline is not entered in Safer.
    baseline_values: Option<Spanned<Vec<f64>>>,
    source: Spanned<String>,
    category: Option<Spanned<String>>,
    needs: Option<String>,
    record: Option<String>,
    unit: String,
}

/// Reads and validates a plan file. `groups` are the names of the
/// partnership's category groups, which police.uk measures may name.
pub fn load(path: &Path, groups: &[String]) -> Result<Plan, IngestError> {
    let text = std::fs::read_to_string(path).map_err(|e| IngestError::Io {
        path: path.to_owned(),
        source: e,
    })?;
    parse(path, &text, groups)
}

/// Parses plan text; `path` is used in messages only.
pub fn parse(path: &Path, text: &str, groups: &[String]) -> Result<Plan, IngestError> {
    let at = |span: std::ops::Range<usize>, message: String| IngestError::Invalid {
        path: path.to_owned(),
        message: format!("line {}: {message}", line_of(text, span.start)),
    };
    let raw: RawPlan = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        IngestError::Invalid {
            path: path.to_owned(),
            message: match line {
                Some(l) => format!("line {l}: {}", e.message()),
                None => e.message().to_owned(),
            },
        }
    })?;
    // Ids appear in URLs, file names and commands: they must be codes.
    let code = |s: &Spanned<String>| -> Result<(), IngestError> {
        safer_domain::check_code(s.get_ref()).map_err(|why| at(s.span(), why))
    };
    code(&raw.id)?;
    for t in &raw.themes {
        code(&t.id)?;
    }
    for p in &raw.priorities {
        code(&p.id)?;
        for s in p.objectives.iter().chain(&p.responses) {
            code(&s.id)?;
        }
        for m in &p.measures {
            code(&m.id)?;
        }
    }
    let year = |s: &Spanned<String>| -> Result<FinancialYear, IngestError> {
        s.get_ref()
            .parse::<FinancialYear>()
            .map_err(|e| at(s.span(), e.to_string()))
    };
    let first_year = year(&raw.first_year)?;
    let last_year = year(&raw.last_year)?;
    let min_coverage = match &raw.min_months_share {
        None => safer_domain::DEFAULT_MIN_COVERAGE,
        Some(s) if safer_domain::is_valid_min_coverage(*s.get_ref()) => *s.get_ref(),
        Some(s) => {
            return Err(at(
                s.span(),
                format!(
                    "min_months_share: expected the share of the months a status needs, from 0 to 1 (for example 0.75: 9 of 12 months at the year end), found {}",
                    s.get_ref()
                ),
            ));
        }
    };
    let mut priorities = Vec::new();
    for p in raw.priorities {
        if let Some(t) = &p.theme
            && !raw.themes.iter().any(|x| x.id.get_ref() == t.get_ref())
        {
            return Err(at(
                t.span(),
                format!(
                    "theme {:?} is not one of the plan's [[themes]]",
                    t.get_ref()
                ),
            ));
        }
        let statements = |v: Vec<RawStatement>| {
            v.into_iter()
                .map(|s| Statement {
                    id: s.id.into_inner(),
                    text: s.text,
                })
                .collect()
        };
        let mut measures = Vec::new();
        for m in p.measures {
            let direction = match m.direction.get_ref().as_str() {
                "lower" => Direction::Lower,
                "higher" => Direction::Higher,
                "monitor" => Direction::Monitor,
                other => {
                    return Err(at(
                        m.direction.span(),
                        format!("direction: expected lower, higher or monitor, found {other:?}"),
                    ));
                }
            };
            let value = |what: &str| {
                m.target_value.ok_or_else(|| {
                    at(
                        m.target.span(),
                        format!("target {what:?} needs target_value"),
                    )
                })
            };
            let target = match m.target.get_ref().as_str() {
                "reduce_by" => TargetKind::ReduceBy {
                    percent: value("reduce_by")?,
                },
                "increase_by" => TargetKind::IncreaseBy {
                    percent: value("increase_by")?,
                },
                "reach_level" => TargetKind::ReachLevel {
                    level: value("reach_level")?,
                },
                "year_on_year_reduction" => TargetKind::YearOnYearReduction,
                // One rule, named for the way the plan says it: the
                // direction must agree with the name.
                name @ ("increase_on_baseline" | "reduction_on_baseline") => {
                    let wants = if name == "increase_on_baseline" {
                        Direction::Higher
                    } else {
                        Direction::Lower
                    };
                    if direction != wants {
                        let d = if wants == Direction::Higher {
                            "higher"
                        } else {
                            "lower"
                        };
                        return Err(at(
                            m.target.span(),
                            format!("target {name:?} needs direction = \"{d}\""),
                        ));
                    }
                    TargetKind::ImproveOnBaseline
                }
                "monitor" => TargetKind::Monitor,
                other => {
                    return Err(at(
                        m.target.span(),
                        format!(
                            "target: expected reduce_by, increase_by, increase_on_baseline, reduction_on_baseline, year_on_year_reduction, reach_level or monitor, found {other:?}"
                        ),
                    ));
                }
            };
            let baseline = m.baseline.as_ref().map(year).transpose()?;
            let source = match m.source.get_ref().as_str() {
                "police_uk" => {
                    let c = m.category.as_ref().ok_or_else(|| {
                        at(m.source.span(), "source police_uk needs category".into())
                    })?;
                    let name = c.get_ref();
                    if name != "All crime"
                        && Category::from_name(name.as_bytes()).is_none()
                        && !groups.contains(name)
                    {
                        return Err(at(
                            c.span(),
                            format!(
                                "category {name:?} is not a police.uk category, \"All crime\" or one of the partnership's groups"
                            ),
                        ));
                    }
                    MeasureSource::PoliceUk {
                        category: name.clone(),
                    }
                }
                "manual" => MeasureSource::Manual,
                "case_records" => MeasureSource::CaseRecords {
                    record: m.record.clone().ok_or_else(|| {
                        at(m.source.span(), "source case_records needs record".into())
                    })?,
                },
                "needs_data" => MeasureSource::NeedsData {
                    needs: m.needs.clone().ok_or_else(|| {
                        at(m.source.span(), "source needs_data needs needs".into())
                    })?,
                },
                other => {
                    return Err(at(
                        m.source.span(),
                        format!(
                            "source: expected police_uk, manual, case_records or needs_data, found {other:?}"
                        ),
                    ));
                }
            };
            let needs_baseline = matches!(
                target,
                TargetKind::ReduceBy { .. }
                    | TargetKind::IncreaseBy { .. }
                    | TargetKind::ImproveOnBaseline
            );
            if needs_baseline && baseline.is_none() {
                return Err(at(
                    m.target.span(),
                    format!(
                        "measure {}: a target relative to a baseline needs baseline = \"YYYY/YY\"",
                        m.id.get_ref()
                    ),
                ));
            }
            let baseline_values = match &m.baseline_values {
                None => Vec::new(),
                Some(v) => {
                    let why = if source != MeasureSource::Manual {
                        Some(
                            "baseline_values is only for a measure with source = \"manual\""
                                .to_owned(),
                        )
                    } else if baseline.is_none() {
                        Some(
                            "baseline_values needs baseline = \"YYYY/YY\", the year they are of"
                                .to_owned(),
                        )
                    } else if v.get_ref().is_empty() || v.get_ref().len() > 4 {
                        Some(format!(
                            "baseline_values: expected one to four numbers (quarters 1 to 4 of the baseline year), found {}",
                            v.get_ref().len()
                        ))
                    } else {
                        v.get_ref()
                            .iter()
                            .find(|x| !x.is_finite())
                            .map(|x| format!("baseline_values: expected numbers, found {x}"))
                    };
                    if let Some(why) = why {
                        return Err(at(v.span(), format!("measure {}: {why}", m.id.get_ref())));
                    }
                    v.get_ref().clone()
                }
            };
            measures.push(Measure {
                id: m.id.into_inner(),
                text: m.text,
                direction,
                target,
                baseline,
                baseline_values,
                source,
                unit: m.unit,
            });
        }
        priorities.push(Priority {
            id: p.id.into_inner(),
            number: p.number,
            theme: p.theme.map(Spanned::into_inner),
            title: p.title,
            why: p.why,
            objectives: statements(p.objectives),
            responses: statements(p.responses),
            measures,
        });
    }
    let plan = Plan {
        id: raw.id.into_inner(),
        partnership: raw.partnership,
        title: raw.title,
        first_year,
        last_year,
        vision: raw.vision,
        source: raw.source,
        themes: raw
            .themes
            .into_iter()
            .map(|t| Theme {
                id: t.id.into_inner(),
                title: t.title,
            })
            .collect(),
        priorities,
        min_coverage,
    };
    plan.validate().map_err(|e| IngestError::Invalid {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    Ok(plan)
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "id = \"x\"\npartnership = \"c\"\ntitle = \"T\"\nfirst_year = \"2023/24\"\nlast_year = \"2025/26\"\nsource = \"s\"\n";

    fn measure(extra: &str) -> String {
        format!(
            "{HEAD}[[priorities]]\nid = \"p1\"\nnumber = 1\ntitle = \"P\"\n[[priorities.measures]]\nid = \"p1-m1\"\ntext = \"t\"\nunit = \"count\"\n{extra}"
        )
    }

    fn err(text: &str) -> String {
        parse(Path::new("plan.toml"), text, &[])
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_police_uk_measure() {
        let p = parse(
            Path::new("plan.toml"),
            &measure("direction = \"lower\"\ntarget = \"reduce_by\"\ntarget_value = 5.0\nbaseline = \"2022/23\"\nsource = \"police_uk\"\ncategory = \"Burglary\"\n"),
            &[],
        )
        .unwrap();
        let m = &p.priorities[0].measures[0];
        assert_eq!(m.target, TargetKind::ReduceBy { percent: 5.0 });
        assert_eq!(
            m.source,
            MeasureSource::PoliceUk {
                category: "Burglary".into()
            }
        );
    }

    #[test]
    fn errors_name_the_line_and_what_was_expected() {
        let e = err(&measure(
            "direction = \"down\"\ntarget = \"monitor\"\nsource = \"manual\"\n",
        ));
        assert!(
            e.contains("line 15") && e.contains("lower, higher or monitor"),
            "{e}"
        );
        let e = err(&measure(
            "direction = \"lower\"\ntarget = \"reduce_by\"\nsource = \"manual\"\n",
        ));
        assert!(e.contains("needs target_value"), "{e}");
        let e = err(&measure(
            "direction = \"lower\"\ntarget = \"monitor\"\nsource = \"police_uk\"\ncategory = \"Burglery\"\n",
        ));
        assert!(e.contains("line 18") && e.contains("Burglery"), "{e}");
        let e = err(&measure(
            "direction = \"lower\"\ntarget = \"reduce_by\"\ntarget_value = 5.0\nsource = \"manual\"\n",
        ));
        assert!(e.contains("baseline"), "{e}");
        let e = err(&format!("{HEAD}colour = \"red\"\n"));
        assert!(e.contains("line 7") && e.contains("colour"), "{e}");
    }

    #[test]
    fn an_increase_on_the_baseline_with_the_baseline_values() {
        let p = parse(
            Path::new("plan.toml"),
            &measure("direction = \"higher\"\ntarget = \"increase_on_baseline\"\nbaseline = \"2022/23\"\nbaseline_values = [98, 104.5, 101]\nsource = \"manual\"\n"),
            &[],
        )
        .unwrap();
        let m = &p.priorities[0].measures[0];
        assert_eq!(m.target, TargetKind::ImproveOnBaseline);
        assert_eq!(m.baseline_values, [98.0, 104.5, 101.0]);
        let q = m.baseline_quarters();
        assert_eq!(
            q.iter()
                .map(|(q, v)| (q.to_string(), *v))
                .collect::<Vec<_>>(),
            [
                ("2022/23-Q1".to_owned(), 98.0),
                ("2022/23-Q2".to_owned(), 104.5),
                ("2022/23-Q3".to_owned(), 101.0)
            ]
        );
        let p = parse(
            Path::new("plan.toml"),
            &measure("direction = \"lower\"\ntarget = \"reduction_on_baseline\"\nbaseline = \"2022/23\"\nsource = \"manual\"\n"),
            &[],
        )
        .unwrap();
        assert_eq!(
            p.priorities[0].measures[0].target,
            TargetKind::ImproveOnBaseline
        );

        // The direction must agree with the name; a baseline is needed.
        let e = err(&measure(
            "direction = \"lower\"\ntarget = \"increase_on_baseline\"\nbaseline = \"2022/23\"\nsource = \"manual\"\n",
        ));
        assert!(
            e.contains("line 16") && e.contains("direction = \"higher\""),
            "{e}"
        );
        let e = err(&measure(
            "direction = \"higher\"\ntarget = \"increase_on_baseline\"\nsource = \"manual\"\n",
        ));
        assert!(e.contains("baseline"), "{e}");
        // Baseline values: for a manual measure with a baseline, one to four.
        for (extra, line, says) in [
            (
                "baseline = \"2022/23\"\nbaseline_values = [1, 2, 3, 4, 5]\nsource = \"manual\"\n",
                "line 18",
                "one to four numbers",
            ),
            (
                "baseline = \"2022/23\"\nbaseline_values = []\nsource = \"manual\"\n",
                "line 18",
                "one to four numbers",
            ),
            (
                "baseline_values = [1]\nsource = \"manual\"\n",
                "line 17",
                "needs baseline",
            ),
            (
                "baseline = \"2022/23\"\nbaseline_values = [1]\nsource = \"police_uk\"\ncategory = \"Burglary\"\n",
                "line 18",
                "source = \"manual\"",
            ),
            (
                "baseline = \"2022/23\"\nbaseline_values = [\"many\"]\nsource = \"manual\"\n",
                "line 18",
                "expected f64",
            ),
        ] {
            let e = err(&measure(&format!(
                "direction = \"higher\"\ntarget = \"monitor\"\n{extra}"
            )));
            assert!(e.contains(line) && e.contains(says), "{extra}: {e}");
        }
    }

    /// Ids are used in URLs, file names and commands: one that is not a
    /// code is refused at its line.
    #[test]
    fn ids_must_be_codes() {
        let e = err(
            &measure("direction = \"lower\"\ntarget = \"monitor\"\nsource = \"manual\"\n")
                .replace("id = \"p1-m1\"", "id = \"p1 m1\""),
        );
        assert!(e.contains("line 12") && e.contains("\"p1 m1\""), "{e}");
        let e = err(&HEAD.replace("id = \"x\"", "id = \"../x\""));
        assert!(e.contains("line 1") && e.contains("\"../x\""), "{e}");
    }

    #[test]
    fn the_share_of_months_a_status_needs() {
        let plan = |extra: &str| parse(Path::new("plan.toml"), &format!("{HEAD}{extra}"), &[]);
        assert_eq!(
            plan("").unwrap().min_coverage,
            safer_domain::DEFAULT_MIN_COVERAGE
        );
        assert_eq!(plan("min_months_share = 0.5\n").unwrap().min_coverage, 0.5);
        assert_eq!(plan("min_months_share = 1.0\n").unwrap().min_coverage, 1.0);
        assert_eq!(plan("min_months_share = 0.0\n").unwrap().min_coverage, 0.0);
        for bad in ["1.5", "-0.25", "nan", "inf"] {
            let e = err(&format!("{HEAD}min_months_share = {bad}\n"));
            assert!(
                e.contains("line 7") && e.contains("min_months_share") && e.contains("from 0 to 1"),
                "{e}"
            );
        }
        let e = err(&format!("{HEAD}min_months_share = \"most\"\n"));
        assert!(e.contains("line 7"), "{e}");
    }

    proptest::proptest! {
        /// Whatever the text, the reader answers a plan or an error naming
        /// the file, never a panic; the shipped plan with one line mangled
        /// is read or refused the same way.
        #[test]
        fn the_reader_never_panics(text in "\\PC{0,400}") {
            let _ = parse(Path::new("plan.toml"), &text, &[]);
        }

        #[test]
        fn a_mangled_line_of_a_real_plan_is_read_or_refused_at_a_line(
            line in 0usize..400,
            junk in "[\\[\\]=\"a-z0-9 .,-]{0,30}",
        ) {
            let real = include_str!("../../../examples/charnwood/plan-2023-26.toml");
            proptest::prop_assert!(parse(Path::new("plan.toml"), real, &[]).is_ok());
            let mut lines: Vec<&str> = real.lines().collect();
            let at = line % lines.len();
            lines[at] = &junk;
            match parse(Path::new("plan.toml"), &lines.join("\n"), &[]) {
                Ok(plan) => proptest::prop_assert!(plan.validate().is_ok()),
                Err(e) => proptest::prop_assert!(e.to_string().starts_with("plan.toml")),
            }
        }
    }
}
