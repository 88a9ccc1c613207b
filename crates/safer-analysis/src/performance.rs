//! The quarterly performance review: every measure of a plan evaluated year
//! to date, with its confidence, and the state of the action plans and the
//! fund.

use std::collections::BTreeMap;

use safer_domain::{
    Action, Category, CategoryGroup, CategorySelector, Coverage, Date, Direction, Evaluation,
    Measure, MeasureRule, MeasureSource, Month, NoStatus, Observation, Period, Plan, Quarter,
    TargetKind, ValueKind, month_coverage, month_coverage_alone, quarter_coverage,
};
use serde::Serialize;

use safer_domain::casework::records::CaseRecordCounts;

use crate::counts::DistrictCounts;

/// Values entered by hand, by measure id, each a list of (quarter, value).
pub type ManualValues = BTreeMap<String, Vec<(Quarter, f64)>>;

/// One measure in the review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasureRow {
    pub id: String,
    pub text: String,
    /// Where the value comes from, in words.
    pub source: String,
    /// The year the comparison figure comes from (the baseline, or the
    /// previous year for year-on-year targets).
    pub comparison_year: Option<String>,
    /// The months compared (current year to date).
    pub period: Option<Period>,
    pub evaluation: Evaluation,
    /// The value in each quarter held, oldest first, for a small trend chart.
    pub trend: Vec<(Quarter, f64)>,
    /// What the figure means, in the partnership's words, for this quarter
    /// (written in Safer, not computed).
    pub commentary: Option<String>,
}

/// One priority in the review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriorityRow {
    pub id: String,
    pub number: u32,
    pub title: String,
    pub measures: Vec<MeasureRow>,
    pub actions: Vec<Action>,
    /// Ids of this priority's actions open past their due date.
    pub overdue: Vec<safer_domain::ActionId>,
}

/// The whole quarterly review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PerformanceReview {
    pub plan_id: String,
    pub plan_title: String,
    pub quarter: Quarter,
    /// The last day of the quarter: actions due before it and still open
    /// are overdue.
    pub as_at: Date,
    pub priorities: Vec<PriorityRow>,
}

/// What the review needs besides the plan.
pub struct ReviewInputs<'a> {
    /// The district's police.uk counts (or `None` when no data is held).
    pub counts: Option<&'a DistrictCounts>,
    pub groups: &'a [CategoryGroup],
    pub manual: &'a ManualValues,
    pub actions: &'a [Action],
    /// The counts of case records by the plan's `record` names (a name
    /// missing is not counted by Safer).
    pub case_records: &'a BTreeMap<String, CaseRecordCounts>,
}

impl PerformanceReview {
    pub fn build(plan: &Plan, quarter: Quarter, inputs: &ReviewInputs<'_>) -> PerformanceReview {
        let as_at = Date::end_of(quarter);
        let priorities = plan
            .priorities
            .iter()
            .map(|p| {
                let actions: Vec<Action> = inputs
                    .actions
                    .iter()
                    .filter(|a| a.priority_id == p.id)
                    .cloned()
                    .collect();
                let overdue = actions
                    .iter()
                    .filter(|a| a.is_overdue(as_at))
                    .map(|a| a.id)
                    .collect();
                PriorityRow {
                    id: p.id.clone(),
                    number: p.number,
                    title: p.title.clone(),
                    measures: p
                        .measures
                        .iter()
                        .map(|m| measure_row(m, quarter, plan.min_coverage, inputs))
                        .collect(),
                    actions,
                    overdue,
                }
            })
            .collect();
        PerformanceReview {
            plan_id: plan.id.clone(),
            plan_title: plan.title.clone(),
            quarter,
            as_at,
            priorities,
        }
    }

    /// Every measure row, in plan order.
    pub fn measures(&self) -> impl Iterator<Item = &MeasureRow> {
        self.priorities.iter().flat_map(|p| &p.measures)
    }
}

/// The year a measure is compared with: its baseline for targets relative
/// to a baseline, otherwise the previous year.
fn comparison_year(m: &Measure, quarter: Quarter) -> safer_domain::FinancialYear {
    match (&m.target, m.baseline) {
        (
            TargetKind::ReduceBy { .. }
            | TargetKind::IncreaseBy { .. }
            | TargetKind::ImproveOnBaseline
            | TargetKind::ReachLevel { .. },
            Some(b),
        ) => b,
        _ => quarter.year().previous(),
    }
}

/// Which figures a measure is evaluated on.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Figures {
    /// Like for like: the months (or quarters) held in both years.
    Paired,
    /// The current year alone: nothing is held in both years and the
    /// target needs no comparison, or too little is held in both for a
    /// target that needs none (reach a level) while the current year holds
    /// enough on its own.
    Alone,
}

fn figures(rule: &MeasureRule, paired: &Coverage, alone: &Coverage) -> Figures {
    let monitor = rule.direction == Direction::Monitor || rule.target == TargetKind::Monitor;
    let needs = !monitor && rule.target.needs_comparison();
    if paired.months_compared == 0 && !needs {
        return Figures::Alone;
    }
    let standalone = !monitor && !needs;
    if standalone && !paired.is_enough(rule.min_coverage) && alone.is_enough(rule.min_coverage) {
        Figures::Alone
    } else {
        Figures::Paired
    }
}

fn measure_row(
    m: &Measure,
    quarter: Quarter,
    min_coverage: f64,
    inputs: &ReviewInputs<'_>,
) -> MeasureRow {
    let rule = MeasureRule {
        direction: m.direction,
        target: m.target,
        value_kind: m.value_kind(),
        tolerance: safer_domain::default_tolerance(),
        min_coverage,
    };
    let cmp_year = comparison_year(m, quarter);
    let ytd = Period {
        first: quarter.year().first_month(),
        last: quarter.last_month(),
    };
    let years_back = quarter.year().start_year() as i32 - cmp_year.start_year() as i32;
    let (evaluation, trend, source) = match &m.source {
        MeasureSource::PoliceUk { category } => {
            let selector = selector(category, inputs.groups);
            match (inputs.counts, selector) {
                (Some(counts), Some(sel)) => {
                    let held = counts.months_held();
                    let (evaluation, trend) = monthly(
                        &rule,
                        ytd,
                        years_back,
                        quarter,
                        |m| held.contains(&m),
                        |months| sel.total(&counts.district_total(months)) as f64,
                    );
                    (evaluation, trend, format!("police.uk: {category}"))
                }
                (None, _) => (
                    Evaluation::no_status(NoStatus::NoPoliceUkData),
                    vec![],
                    format!("police.uk: {category}"),
                ),
                (_, None) => (
                    Evaluation::no_status(NoStatus::NotACategory {
                        category: category.clone(),
                    }),
                    vec![],
                    format!("police.uk: {category}"),
                ),
            }
        }
        MeasureSource::Manual => {
            // The values entered, and the plan's baseline values for the
            // quarters of the baseline year not entered (an entered value
            // corrects the plan's).
            let mut values = inputs.manual.get(&m.id).cloned().unwrap_or_default();
            for (q, v) in m.baseline_quarters() {
                if !values.iter().any(|(e, _)| *e == q) {
                    values.push((q, v));
                }
            }
            values.sort_by_key(|(q, _)| *q);
            let value_in = |q: Quarter| values.iter().find(|(v, _)| *v == q).map(|(_, v)| *v);
            let entered = |q: Quarter| value_in(q).is_some();
            // Quarters entered in both years are compared, like months of
            // police.uk data; each quarter stands for its three months.
            let (pairs, paired) = quarter_coverage(quarter, Some(cmp_year), entered);
            let (alone, alone_cov) = quarter_coverage(quarter, None, entered);
            // Counts add up over the year to date; a level (a percentage, a
            // score) is its latest reading.
            let observe = |qs: &[Quarter], c: &Coverage| -> Option<Observation> {
                let found: Vec<(Quarter, f64)> = qs
                    .iter()
                    .filter_map(|q| value_in(*q).map(|v| (*q, v)))
                    .collect();
                let value = match rule.value_kind {
                    ValueKind::Count => found.iter().map(|(_, v)| v).sum(),
                    ValueKind::Level => found.iter().max_by_key(|(q, _)| *q)?.1,
                };
                (!found.is_empty()).then_some(Observation {
                    value,
                    months: 3 * found.len() as u32,
                    complete: c.is_whole(),
                })
            };
            let current = |p: &[(Quarter, Option<Quarter>)]| -> Vec<Quarter> {
                p.iter().map(|p| p.0).collect()
            };
            let evaluation = match figures(&rule, &paired, &alone_cov) {
                Figures::Alone => {
                    let actual = observe(&current(&alone), &alone_cov);
                    rule.evaluate_with_coverage(None, actual, alone_cov)
                }
                Figures::Paired if pairs.is_empty() => {
                    let actual = observe(&current(&alone), &alone_cov);
                    rule.evaluate_with_coverage(None, actual, paired)
                }
                Figures::Paired => {
                    let cmp: Vec<Quarter> = pairs.iter().filter_map(|p| p.1).collect();
                    let actual = observe(&current(&pairs), &paired);
                    let comparison = observe(&cmp, &paired);
                    rule.evaluate_with_coverage(comparison, actual, paired)
                }
            };
            let trend = values
                .iter()
                .filter(|(q, _)| *q <= quarter)
                .copied()
                .collect();
            (evaluation, trend, "entered each quarter".to_owned())
        }
        MeasureSource::CaseRecords { record } => {
            let source = format!("case records: {}", record.replace('_', " "));
            match inputs.case_records.get(record) {
                Some(counts) if counts.held.is_some() => {
                    let (evaluation, trend) = monthly(
                        &rule,
                        ytd,
                        years_back,
                        quarter,
                        |m| counts.is_held(m),
                        |months| counts.total(months) as f64,
                    );
                    (evaluation, trend, source)
                }
                _ => (
                    Evaluation::no_status(NoStatus::CaseRecords {
                        record: record.clone(),
                    }),
                    vec![],
                    source,
                ),
            }
        }
        MeasureSource::NeedsData { needs } => (
            Evaluation::no_status(NoStatus::NeedsData {
                needs: needs.clone(),
            }),
            vec![],
            "not available from the data held".to_owned(),
        ),
    };
    MeasureRow {
        id: m.id.clone(),
        text: m.text.clone(),
        source,
        comparison_year: Some(cmp_year.to_string()),
        period: Some(ytd),
        evaluation,
        trend,
        commentary: None,
    }
}

fn selector(label: &str, groups: &[CategoryGroup]) -> Option<CategorySelector> {
    if label == "All crime" {
        return Some(CategorySelector::AllCrime);
    }
    if let Some(c) = Category::from_name(label.as_bytes()) {
        return Some(CategorySelector::One(c));
    }
    groups
        .iter()
        .find(|g| g.name == label)
        .cloned()
        .map(CategorySelector::Group)
}

/// Quarters up to `last` whose three months are all held.
/// A measure counted by month (police.uk records, or case records): the
/// year to date against the comparison year over the months held in both,
/// as the assessment compares them, and the value in each whole quarter
/// held up to `quarter`, for the trend.
fn monthly(
    rule: &MeasureRule,
    ytd: Period,
    years_back: i32,
    quarter: Quarter,
    is_held: impl Fn(Month) -> bool,
    total: impl Fn(Vec<Month>) -> f64,
) -> (Evaluation, Vec<(Quarter, f64)>) {
    // Only months held in both years are compared, so a missing month
    // never sets 11 months against 12; the coverage says which were left
    // out.
    let (pairs, paired) = month_coverage(ytd, years_back, &is_held);
    let (alone, alone_cov) = month_coverage_alone(ytd, &is_held);
    let obs = |value: f64, c: &Coverage| {
        (c.months_compared > 0).then_some(Observation {
            value,
            months: c.months_compared,
            complete: c.is_whole(),
        })
    };
    let evaluation = match figures(rule, &paired, &alone_cov) {
        Figures::Alone => {
            let actual = obs(total(alone), &alone_cov);
            rule.evaluate_with_coverage(None, actual, alone_cov)
        }
        Figures::Paired if pairs.is_empty() => {
            // Nothing to compare: the current figure is shown, and the
            // rule says there is no status.
            let actual = obs(total(alone), &alone_cov);
            rule.evaluate_with_coverage(None, actual, paired)
        }
        Figures::Paired => {
            let actual = obs(total(pairs.iter().map(|p| p.0).collect()), &paired);
            let comparison = obs(total(pairs.iter().map(|p| p.1).collect()), &paired);
            rule.evaluate_with_coverage(comparison, actual, paired)
        }
    };
    let mut trend = Vec::new();
    // Whole quarters held, from the first month held (searched back ten
    // years) to `quarter`.
    let mut q = quarter;
    for _ in 0..40 {
        let p = Period {
            first: q.first_month(),
            last: q.last_month(),
        };
        if p.months().all(&is_held) {
            trend.push((q, total(p.months().collect())));
        }
        q = q.previous();
    }
    trend.reverse();
    (evaluation, trend)
}

#[cfg(test)]
mod tests {
    use super::*;
    use safer_domain::{FinancialYear, Finding, Priority, Status};

    fn measure(id: &str, source: MeasureSource) -> Measure {
        Measure {
            id: id.into(),
            text: format!("Measure {id}"),
            direction: Direction::Lower,
            target: TargetKind::YearOnYearReduction,
            baseline: None,
            baseline_values: vec![],
            source,
            unit: "count".into(),
        }
    }

    fn plan(measures: Vec<Measure>) -> Plan {
        Plan {
            id: "p".into(),
            partnership: "charnwood".into(),
            title: "Plan".into(),
            first_year: FinancialYear::starting(2024),
            last_year: FinancialYear::starting(2026),
            vision: None,
            source: String::new(),
            themes: vec![],
            priorities: vec![Priority {
                id: "p1".into(),
                number: 1,
                theme: None,
                title: "Priority".into(),
                why: vec![],
                objectives: vec![],
                responses: vec![],
                measures,
            }],
            min_coverage: safer_domain::DEFAULT_MIN_COVERAGE,
        }
    }

    fn why_of(review: &PerformanceReview, id: &str) -> NoStatus {
        let m = review.measures().find(|m| m.id == id).unwrap();
        assert_eq!(m.evaluation.status, Status::NoData, "{id}");
        assert_eq!(m.evaluation.actual, None, "{id}");
        match &m.evaluation.finding {
            Finding::NoStatus { why } => why.clone(),
            other => panic!("{id}: {other:?}"),
        }
    }

    #[test]
    fn measures_without_figures_say_why_as_data() {
        let plan = plan(vec![
            measure(
                "crime",
                MeasureSource::PoliceUk {
                    category: "Burglary".into(),
                },
            ),
            measure(
                "label",
                MeasureSource::PoliceUk {
                    category: "Burglary – residential".into(),
                },
            ),
            measure(
                "jag",
                MeasureSource::CaseRecords {
                    record: "jag_referral".into(),
                },
            ),
            measure(
                "dv",
                MeasureSource::NeedsData {
                    needs: "domestic-abuse flags".into(),
                },
            ),
        ]);
        let quarter: Quarter = "2024-Q2".parse().unwrap();
        let manual = ManualValues::new();
        let none = BTreeMap::new();
        let inputs = |counts| ReviewInputs {
            counts,
            groups: &[],
            manual: &manual,
            actions: &[],
            case_records: &none,
        };
        // No police.uk data held at all.
        let review = PerformanceReview::build(&plan, quarter, &inputs(None));
        assert_eq!(why_of(&review, "crime"), NoStatus::NoPoliceUkData);
        assert_eq!(why_of(&review, "label"), NoStatus::NoPoliceUkData);
        assert_eq!(
            why_of(&review, "jag"),
            NoStatus::CaseRecords {
                record: "jag_referral".into()
            }
        );
        assert_eq!(
            why_of(&review, "dv"),
            NoStatus::NeedsData {
                needs: "domestic-abuse flags".into()
            }
        );
        // Data held, but a label that is no category or group.
        let counts = DistrictCounts::default();
        let review = PerformanceReview::build(&plan, quarter, &inputs(Some(&counts)));
        assert_eq!(
            why_of(&review, "label"),
            NoStatus::NotACategory {
                category: "Burglary – residential".into()
            }
        );
        assert!(!matches!(
            why_of(&review, "crime"),
            NoStatus::NotACategory { .. } | NoStatus::NoPoliceUkData
        ));
    }

    #[test]
    fn the_plans_baseline_values_stand_for_quarters_not_entered() {
        let mut m = measure("referrals", MeasureSource::Manual);
        m.direction = Direction::Higher;
        m.target = TargetKind::ImproveOnBaseline;
        m.baseline = Some(FinancialYear::starting(2022));
        m.baseline_values = vec![50.0, 60.0, 70.0, 80.0];
        let plan = plan(vec![m]);
        let q = |s: &str| s.parse::<Quarter>().unwrap();
        let mut manual = ManualValues::new();
        manual.insert(
            "referrals".into(),
            vec![(q("2024-Q1"), 52.0), (q("2024-Q2"), 60.0)],
        );
        let none = BTreeMap::new();
        let review = |manual: &ManualValues| {
            let inputs = ReviewInputs {
                counts: None,
                groups: &[],
                manual,
                actions: &[],
                case_records: &none,
            };
            PerformanceReview::build(&plan, q("2024-Q2"), &inputs)
                .measures()
                .next()
                .unwrap()
                .clone()
        };
        // 112 against the plan's 110 for 2022/23 Q1 and Q2: an increase.
        let r = review(&manual);
        assert_eq!(r.comparison_year.as_deref(), Some("2022/23"));
        assert_eq!(
            (
                r.evaluation.status,
                r.evaluation.actual,
                r.evaluation.comparison
            ),
            (Status::OnTrack, Some(112.0), Some(110.0))
        );
        // A value entered for a baseline quarter corrects the plan's.
        manual
            .get_mut("referrals")
            .unwrap()
            .push((q("2022-Q2"), 70.0));
        let r = review(&manual);
        assert_eq!(r.evaluation.comparison, Some(120.0));
        assert_ne!(r.evaluation.status, Status::OnTrack);
    }

    #[test]
    fn case_records_are_compared_over_the_months_held_in_both_years() {
        let mut m = measure(
            "abcs",
            MeasureSource::CaseRecords {
                record: "abcs".into(),
            },
        );
        m.direction = Direction::Higher;
        m.target = TargetKind::IncreaseBy { percent: 5.0 };
        m.baseline = Some(FinancialYear::starting(2022));
        let plan = plan(vec![m]);
        let month = |s: &str| s.parse::<Month>().unwrap();
        let day = |s: &str| s.parse::<Date>().unwrap();
        let manual = ManualValues::new();
        let build = |records: &BTreeMap<String, CaseRecordCounts>| {
            let inputs = ReviewInputs {
                counts: None,
                groups: &[],
                manual: &manual,
                actions: &[],
                case_records: records,
            };
            PerformanceReview::build(&plan, "2023-Q2".parse().unwrap(), &inputs)
                .measures()
                .next()
                .unwrap()
                .clone()
        };
        // Held from May 2022: April is compared in neither year.
        let counts = CaseRecordCounts::from_days(
            Some((month("2022-05"), month("2023-12"))),
            [
                day("2022-04-10"),
                day("2022-05-02"),
                day("2022-06-30"),
                day("2023-04-01"),
                day("2023-05-01"),
                day("2023-06-01"),
                day("2023-06-02"),
            ],
        );
        let records = BTreeMap::from([("abcs".to_owned(), counts)]);
        let r = build(&records);
        assert_eq!(r.source, "case records: abcs");
        assert_eq!(
            (r.evaluation.actual, r.evaluation.comparison),
            (Some(3.0), Some(2.0))
        );
        // 2023-Q2 is July to September: April is left out, May to
        // September compared.
        let coverage = r.evaluation.coverage.clone().unwrap();
        assert_eq!((coverage.months_claimed, coverage.months_compared), (6, 5));
        // Whole quarters held: 2022-Q2 on; April to June 2023 held four.
        let q = |s: &str| s.parse::<Quarter>().unwrap();
        assert_eq!(r.trend.first(), Some(&(q("2022-Q2"), 0.0)));
        assert!(r.trend.contains(&(q("2023-Q1"), 4.0)));
        // A record Safer does not count says so.
        let r = build(&BTreeMap::new());
        assert!(matches!(
            r.evaluation.finding,
            Finding::NoStatus {
                why: NoStatus::CaseRecords { .. }
            }
        ));
    }
}
