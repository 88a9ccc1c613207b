//! What an annual refresh changed in a plan: priorities and measures
//! added, removed or changed, and what about them changed, as data. The
//! reports and pages say it in words.

use serde::Serialize;

use crate::{Measure, Plan, Priority};

/// One thing a refresh changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PlanChange {
    /// The plan's own title, years, vision or share of months.
    Plan {
        field: Field,
        before: String,
        after: String,
    },
    PriorityAdded {
        id: String,
        title: String,
    },
    PriorityRemoved {
        id: String,
        title: String,
    },
    Priority {
        id: String,
        field: Field,
        before: String,
        after: String,
    },
    MeasureAdded {
        priority: String,
        id: String,
        text: String,
    },
    MeasureRemoved {
        priority: String,
        id: String,
        text: String,
    },
    /// A measure whose priority or fields changed: which, and the measure
    /// as it was and as it is (the reports word the fields).
    Measure {
        id: String,
        fields: Vec<Field>,
        priority_before: String,
        priority_after: String,
        before: Box<Measure>,
        after: Box<Measure>,
    },
}

/// A field of a plan, a priority or a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Title,
    Years,
    Vision,
    MinMonthsShare,
    Number,
    Why,
    Objectives,
    Responses,
    Priority,
    Text,
    Direction,
    Target,
    Baseline,
    BaselineValues,
    Source,
    Unit,
}

impl Field {
    /// The field as people call it.
    pub fn label(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Years => "years",
            Field::Vision => "vision",
            Field::MinMonthsShare => "share of months a status needs",
            Field::Number => "number",
            Field::Why => "why it is a priority",
            Field::Objectives => "what it aims to achieve",
            Field::Responses => "how the partnership will respond",
            Field::Priority => "priority",
            Field::Text => "wording",
            Field::Direction => "direction",
            Field::Target => "target",
            Field::Baseline => "baseline",
            Field::BaselineValues => "baseline values",
            Field::Source => "data",
            Field::Unit => "unit",
        }
    }
}

/// What changed from `before` to `after`, plan fields first, then by
/// priority (in `after`'s order, removed ones last), then by measure.
pub fn plan_changes(before: &Plan, after: &Plan) -> Vec<PlanChange> {
    let mut out = Vec::new();
    let field = |f: Field, b: String, a: String, out: &mut Vec<PlanChange>| {
        if b != a {
            out.push(PlanChange::Plan {
                field: f,
                before: b,
                after: a,
            });
        }
    };
    field(
        Field::Title,
        before.title.clone(),
        after.title.clone(),
        &mut out,
    );
    field(
        Field::Years,
        format!("{} to {}", before.first_year, before.last_year),
        format!("{} to {}", after.first_year, after.last_year),
        &mut out,
    );
    field(
        Field::Vision,
        before.vision.clone().unwrap_or_default(),
        after.vision.clone().unwrap_or_default(),
        &mut out,
    );
    field(
        Field::MinMonthsShare,
        before.min_coverage.to_string(),
        after.min_coverage.to_string(),
        &mut out,
    );
    for p in &after.priorities {
        match before.priorities.iter().find(|o| o.id == p.id) {
            None => out.push(PlanChange::PriorityAdded {
                id: p.id.clone(),
                title: p.title.clone(),
            }),
            Some(o) => priority_changes(o, p, &mut out),
        }
    }
    for o in &before.priorities {
        if !after.priorities.iter().any(|p| p.id == o.id) {
            out.push(PlanChange::PriorityRemoved {
                id: o.id.clone(),
                title: o.title.clone(),
            });
        }
    }
    // Measures, wherever they sit: a measure keeps its id across priorities.
    let measures = |plan: &Plan| -> Vec<(String, Measure)> {
        plan.measures()
            .map(|(p, m)| (p.id.clone(), m.clone()))
            .collect()
    };
    let (old, new) = (measures(before), measures(after));
    for (p, m) in &new {
        match old.iter().find(|(_, o)| o.id == m.id) {
            None => out.push(PlanChange::MeasureAdded {
                priority: p.clone(),
                id: m.id.clone(),
                text: m.text.clone(),
            }),
            Some((op, o)) => {
                let fields: Vec<Field> = [
                    (Field::Priority, op != p),
                    (Field::Text, o.text != m.text),
                    (Field::Direction, o.direction != m.direction),
                    (Field::Target, o.target != m.target),
                    (Field::Baseline, o.baseline != m.baseline),
                    (
                        Field::BaselineValues,
                        o.baseline_values != m.baseline_values,
                    ),
                    (Field::Source, o.source != m.source),
                    (Field::Unit, o.unit != m.unit),
                ]
                .into_iter()
                .filter_map(|(f, changed)| changed.then_some(f))
                .collect();
                if !fields.is_empty() {
                    out.push(PlanChange::Measure {
                        id: m.id.clone(),
                        fields,
                        priority_before: op.clone(),
                        priority_after: p.clone(),
                        before: Box::new(o.clone()),
                        after: Box::new(m.clone()),
                    });
                }
            }
        }
    }
    for (p, o) in &old {
        if !new.iter().any(|(_, m)| m.id == o.id) {
            out.push(PlanChange::MeasureRemoved {
                priority: p.clone(),
                id: o.id.clone(),
                text: o.text.clone(),
            });
        }
    }
    out
}

fn priority_changes(o: &Priority, p: &Priority, out: &mut Vec<PlanChange>) {
    let mut f = |field: Field, b: String, a: String| {
        if b != a {
            out.push(PlanChange::Priority {
                id: p.id.clone(),
                field,
                before: b,
                after: a,
            });
        }
    };
    let texts = |v: &[crate::Statement]| {
        v.iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    };
    f(Field::Number, o.number.to_string(), p.number.to_string());
    f(Field::Title, o.title.clone(), p.title.clone());
    f(Field::Why, o.why.join(" "), p.why.join(" "));
    f(
        Field::Objectives,
        texts(&o.objectives),
        texts(&p.objectives),
    );
    f(Field::Responses, texts(&o.responses), texts(&p.responses));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Direction, FinancialYear, MeasureSource, TargetKind};
    use proptest::prelude::*;

    fn measure(id: &str, text: &str) -> Measure {
        Measure {
            id: id.into(),
            text: text.into(),
            direction: Direction::Lower,
            target: TargetKind::ReduceBy { percent: 5.0 },
            baseline: Some(FinancialYear::starting(2022)),
            baseline_values: vec![],
            source: MeasureSource::Manual,
            unit: "count".into(),
        }
    }

    fn priority(id: &str, measures: Vec<Measure>) -> Priority {
        Priority {
            id: id.into(),
            number: 1,
            theme: None,
            title: format!("Priority {id}"),
            why: vec![],
            objectives: vec![],
            responses: vec![],
            measures,
        }
    }

    fn plan(priorities: Vec<Priority>) -> Plan {
        Plan {
            id: "p".into(),
            partnership: "c".into(),
            title: "Plan".into(),
            first_year: FinancialYear::starting(2023),
            last_year: FinancialYear::starting(2025),
            vision: None,
            source: "s".into(),
            themes: vec![],
            priorities,
            min_coverage: 0.75,
        }
    }

    #[test]
    fn a_refresh_says_what_was_added_removed_and_changed() {
        let before = plan(vec![
            priority(
                "p1",
                vec![measure("m1", "Burglary"), measure("m2", "Robbery")],
            ),
            priority("p2", vec![measure("m3", "ASB")]),
        ]);
        let mut m1 = measure("m1", "Burglary of homes");
        m1.target = TargetKind::ReduceBy { percent: 10.0 };
        let m1_after = m1.clone();
        let after = plan(vec![
            priority("p1", vec![m1, measure("m3", "ASB")]),
            priority("p3", vec![measure("m4", "Knife crime")]),
        ]);
        let changes = plan_changes(&before, &after);
        assert_eq!(
            changes,
            vec![
                PlanChange::PriorityAdded {
                    id: "p3".into(),
                    title: "Priority p3".into()
                },
                PlanChange::PriorityRemoved {
                    id: "p2".into(),
                    title: "Priority p2".into()
                },
                PlanChange::Measure {
                    id: "m1".into(),
                    fields: vec![Field::Text, Field::Target],
                    priority_before: "p1".into(),
                    priority_after: "p1".into(),
                    before: Box::new(measure("m1", "Burglary")),
                    after: Box::new(m1_after.clone()),
                },
                PlanChange::Measure {
                    id: "m3".into(),
                    fields: vec![Field::Priority],
                    priority_before: "p2".into(),
                    priority_after: "p1".into(),
                    before: Box::new(measure("m3", "ASB")),
                    after: Box::new(measure("m3", "ASB")),
                },
                PlanChange::MeasureAdded {
                    priority: "p3".into(),
                    id: "m4".into(),
                    text: "Knife crime".into()
                },
                PlanChange::MeasureRemoved {
                    priority: "p1".into(),
                    id: "m2".into(),
                    text: "Robbery".into()
                },
            ]
        );
    }

    proptest! {
        /// Nothing changed, nothing said; and what is said added or removed
        /// is exactly the difference of the two plans' measure ids.
        #[test]
        fn changes_are_the_difference(a in proptest::collection::btree_set(0u8..12, 0..8), b in proptest::collection::btree_set(0u8..12, 0..8)) {
            let make = |ids: &std::collections::BTreeSet<u8>| {
                plan(vec![priority("p1", ids.iter().map(|i| measure(&format!("m{i}"), "t")).collect())])
            };
            let (pa, pb) = (make(&a), make(&b));
            prop_assert!(plan_changes(&pa, &pa).is_empty());
            let changes = plan_changes(&pa, &pb);
            let added: std::collections::BTreeSet<String> = changes.iter().filter_map(|c| match c {
                PlanChange::MeasureAdded { id, .. } => Some(id.clone()),
                _ => None,
            }).collect();
            let removed: std::collections::BTreeSet<String> = changes.iter().filter_map(|c| match c {
                PlanChange::MeasureRemoved { id, .. } => Some(id.clone()),
                _ => None,
            }).collect();
            let name = |s: &std::collections::BTreeSet<u8>| s.iter().map(|i| format!("m{i}")).collect::<std::collections::BTreeSet<_>>();
            prop_assert_eq!(added, name(&b).difference(&name(&a)).cloned().collect());
            prop_assert_eq!(removed, name(&a).difference(&name(&b)).cloned().collect());
            prop_assert_eq!(changes.len(), a.symmetric_difference(&b).count());
        }
    }
}
