//! The plan's terms in words: a measure's target and data, and what an
//! annual refresh changed, for the reports and the pages alike.

use safer_domain::{Direction, Field, MeasureSource, PlanChange, TargetKind};

pub fn target_text(t: &TargetKind, baseline: Option<safer_domain::FinancialYear>) -> String {
    let base = baseline.map_or_else(|| "the baseline".to_owned(), |b| b.to_string());
    match t {
        TargetKind::ReduceBy { percent } => format!("Reduce by {percent}% on {base}"),
        TargetKind::IncreaseBy { percent } => format!("Increase by {percent}% on {base}"),
        TargetKind::YearOnYearReduction => "Better than the same months of the year before".into(),
        TargetKind::ImproveOnBaseline => format!("Better than the same months of {base}"),
        TargetKind::ReachLevel { level } => format!("Reach {level}"),
        TargetKind::Monitor => "Monitored, no target".into(),
    }
}

/// The plan's baseline values by quarter: "Q1 98, Q2 104", or "none".
pub fn baseline_values_text(v: &[f64]) -> String {
    if v.is_empty() {
        return "none".into();
    }
    v.iter()
        .enumerate()
        .map(|(i, x)| format!("Q{} {x}", i + 1))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn source_text(s: &MeasureSource) -> String {
    match s {
        MeasureSource::PoliceUk { category } => format!("police.uk: {category}"),
        MeasureSource::Manual => "Entered each quarter".into(),
        MeasureSource::CaseRecords { record } => {
            format!("Case records: {}", record.replace('_', " "))
        }
        MeasureSource::NeedsData { needs } => format!("Needs data Safer does not hold: {needs}"),
    }
}

/// A measure's direction in words.
pub fn direction_text(d: Direction) -> &'static str {
    match d {
        Direction::Lower => "lower is better",
        Direction::Higher => "higher is better",
        Direction::Monitor => "monitored",
    }
}

/// One change of an annual refresh, as a sentence.
pub fn plan_change_text(c: &PlanChange) -> String {
    match c {
        PlanChange::Plan {
            field,
            before,
            after,
        } => {
            format!(
                "The plan's {} changed from “{before}” to “{after}”.",
                field.label()
            )
        }
        PlanChange::PriorityAdded { id, title } => format!("Priority {id} was added: {title}."),
        PlanChange::PriorityRemoved { id, title } => format!("Priority {id} was removed: {title}."),
        PlanChange::Priority {
            id,
            field,
            before,
            after,
        } => format!(
            "Priority {id}'s {} changed from “{before}” to “{after}”.",
            field.label()
        ),
        PlanChange::MeasureAdded { priority, id, text } => {
            format!("Measure {id} was added to priority {priority}: {text}")
        }
        PlanChange::MeasureRemoved { priority, id, text } => {
            format!("Measure {id} was removed from priority {priority}: {text}")
        }
        PlanChange::Measure {
            id,
            fields,
            priority_before,
            priority_after,
            before,
            after,
        } => {
            let parts: Vec<String> = fields
                .iter()
                .map(|f| {
                    let (b, a) = match f {
                        Field::Priority => (priority_before.clone(), priority_after.clone()),
                        Field::Text => (before.text.clone(), after.text.clone()),
                        Field::Direction => (
                            direction_text(before.direction).to_owned(),
                            direction_text(after.direction).to_owned(),
                        ),
                        Field::Target => (
                            target_text(&before.target, before.baseline),
                            target_text(&after.target, after.baseline),
                        ),
                        Field::Baseline => (
                            before.baseline.map_or("none".into(), |y| y.to_string()),
                            after.baseline.map_or("none".into(), |y| y.to_string()),
                        ),
                        Field::BaselineValues => (
                            baseline_values_text(&before.baseline_values),
                            baseline_values_text(&after.baseline_values),
                        ),
                        Field::Source => (source_text(&before.source), source_text(&after.source)),
                        Field::Unit => (before.unit.clone(), after.unit.clone()),
                        _ => (String::new(), String::new()),
                    };
                    format!("its {} from “{b}” to “{a}”", f.label())
                })
                .collect();
            format!("Measure {id} changed: {}.", parts.join("; "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use safer_domain::{FinancialYear, Measure};

    #[test]
    fn changes_read_as_sentences() {
        let m = Measure {
            id: "p1-m1".into(),
            text: "Burglary".into(),
            direction: Direction::Lower,
            target: TargetKind::ReduceBy { percent: 5.0 },
            baseline: Some(FinancialYear::starting(2022)),
            baseline_values: vec![],
            source: MeasureSource::PoliceUk {
                category: "Burglary".into(),
            },
            unit: "count".into(),
        };
        let mut after = m.clone();
        after.target = TargetKind::ReduceBy { percent: 10.0 };
        let c = PlanChange::Measure {
            id: "p1-m1".into(),
            fields: vec![Field::Target],
            priority_before: "p1".into(),
            priority_after: "p1".into(),
            before: Box::new(m),
            after: Box::new(after),
        };
        assert_eq!(
            plan_change_text(&c),
            "Measure p1-m1 changed: its target from “Reduce by 5% on 2022/23” to “Reduce by 10% on 2022/23”."
        );
        assert_eq!(
            plan_change_text(&PlanChange::PriorityAdded {
                id: "p6".into(),
                title: "Knife crime".into()
            }),
            "Priority p6 was added: Knife crime."
        );
    }
}
