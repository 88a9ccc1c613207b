//! The partnership plan: themes, priorities, objectives, responses,
//! measures; action plans; and the Partnership Locality Fund.
//!
//! A plan follows the shape of the plans partnerships write: vision →
//! themes → priorities, each with "what will we aim to achieve"
//! (objectives), "how will we respond" (responses) and "how will we measure
//! success" (measures).

use serde::{Deserialize, Serialize};

use crate::{ActionId, AgencyId, Date, Direction, FinancialYear, TargetKind, ValueKind};

/// A three-year partnership plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub id: String,
    /// The partnership's id (as in its configuration).
    pub partnership: String,
    pub title: String,
    pub first_year: FinancialYear,
    pub last_year: FinancialYear,
    pub vision: Option<String>,
    /// Where the text comes from.
    pub source: String,
    pub themes: Vec<Theme>,
    pub priorities: Vec<Priority>,
    /// The share of the months a year-to-date or year-end status claims
    /// that must be compared like for like for it to be given (0 to 1;
    /// plan file key `min_months_share`). Plans stored before it existed
    /// read as the default, three quarters.
    #[serde(default = "crate::default_min_coverage")]
    pub min_coverage: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Theme {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Priority {
    pub id: String,
    pub number: u32,
    pub theme: Option<String>,
    pub title: String,
    /// "Why is this a priority?", paragraph by paragraph.
    pub why: Vec<String>,
    /// "What will we aim to achieve?"
    pub objectives: Vec<Statement>,
    /// "How will we respond?"
    pub responses: Vec<Statement>,
    /// "How will we measure success?"
    pub measures: Vec<Measure>,
}

/// An objective or a response: a sentence of the plan with an id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    pub id: String,
    pub text: String,
}

/// A measure of success and how it is computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measure {
    pub id: String,
    /// The plan's own words.
    pub text: String,
    pub direction: Direction,
    pub target: TargetKind,
    /// The financial year targets are set against (for example 2022/23).
    pub baseline: Option<FinancialYear>,
    /// For a measure entered by hand: the baseline year's values by
    /// quarter, quarter 1 first, as the plan gives them. A value entered
    /// in Safer for one of those quarters takes its place.
    #[serde(default)]
    pub baseline_values: Vec<f64>,
    pub source: MeasureSource,
    /// What the number is: count, percent, days, people, referrals …
    pub unit: String,
}

impl Measure {
    /// The plan's baseline values with their quarters.
    pub fn baseline_quarters(&self) -> Vec<(crate::Quarter, f64)> {
        let Some(year) = self.baseline else {
            return Vec::new();
        };
        self.baseline_values
            .iter()
            .zip(1u8..=4)
            .filter_map(|(v, n)| crate::Quarter::new(year, n).map(|q| (q, *v)))
            .collect()
    }

    /// Whether the value is a count of events (Poisson-like) or a level.
    pub fn value_kind(&self) -> ValueKind {
        match self.unit.as_str() {
            "percent" | "score" | "days" => ValueKind::Level,
            _ => ValueKind::Count,
        }
    }
}

/// Where a measure's values come from. Case records are a seam for the case
/// work to come: such measures report "no data" until those records exist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MeasureSource {
    /// Computed from imported police.uk data: a category label (police.uk
    /// name, "All crime", or a configured group) in the partnership's district.
    PoliceUk { category: String },
    /// Entered by hand each quarter, with who entered it and when.
    Manual,
    /// Counted from case records of this type (JAG referrals, ABCs, …).
    CaseRecords { record: String },
    /// Not measurable from the data Safer holds: says what is needed instead
    /// of showing a wrong number.
    NeedsData { needs: String },
}

/// The aim category of an action, as in the partnership's action plan
/// template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aim {
    Enforcement,
    Intelligence,
    Prevention,
    Confidence,
}

impl Aim {
    pub const ALL: [Aim; 4] = [
        Aim::Enforcement,
        Aim::Intelligence,
        Aim::Prevention,
        Aim::Confidence,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Aim::Enforcement => "enforcement",
            Aim::Intelligence => "intelligence",
            Aim::Prevention => "prevention",
            Aim::Confidence => "confidence",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Aim::Enforcement => "Enforcement",
            Aim::Intelligence => "Intelligence",
            Aim::Prevention => "Prevention",
            Aim::Confidence => "Confidence",
        }
    }

    pub fn parse(s: &str) -> Option<Aim> {
        Aim::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// Where an action stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    NotStarted,
    OnTrack,
    AtRisk,
    OffTrack,
    Complete,
    Cancelled,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 6] = [
        ActionStatus::NotStarted,
        ActionStatus::OnTrack,
        ActionStatus::AtRisk,
        ActionStatus::OffTrack,
        ActionStatus::Complete,
        ActionStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::NotStarted => "not_started",
            ActionStatus::OnTrack => "on_track",
            ActionStatus::AtRisk => "at_risk",
            ActionStatus::OffTrack => "off_track",
            ActionStatus::Complete => "complete",
            ActionStatus::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ActionStatus::NotStarted => "Not started",
            ActionStatus::OnTrack => "On track",
            ActionStatus::AtRisk => "At risk",
            ActionStatus::OffTrack => "Off track",
            ActionStatus::Complete => "Complete",
            ActionStatus::Cancelled => "Cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<ActionStatus> {
        let t = s.trim().replace([' ', '-'], "_").to_ascii_lowercase();
        ActionStatus::ALL.into_iter().find(|a| a.as_str() == t)
    }

    /// Whether the action is finished, one way or the other.
    pub fn is_closed(self) -> bool {
        matches!(self, ActionStatus::Complete | ActionStatus::Cancelled)
    }
}

/// An action of a priority's action plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub id: ActionId,
    pub plan_id: String,
    pub priority_id: String,
    pub aim: Aim,
    pub key_action: String,
    /// The lead agency, by id; `None` for an action whose lead names no
    /// agency of the partnership.
    pub lead_agency_id: Option<AgencyId>,
    /// The lead agency's name, for showing.
    pub lead_agency: String,
    pub start: Date,
    pub due: Date,
    pub financial_implications: String,
    pub resource_implications: String,
    pub outcome_target: String,
    /// The measure this action serves, if any.
    pub measure_id: Option<String>,
    /// The status of the latest update entered.
    pub status: ActionStatus,
    /// In the order they were entered: the last is the latest entered,
    /// whose status the action has, whatever dates they carry (a late
    /// report of earlier progress does not undo a later one's status).
    pub updates: Vec<ActionUpdate>,
}

impl Action {
    /// Overdue: still open on `today` after its due date.
    pub fn is_overdue(&self, today: Date) -> bool {
        !self.status.is_closed() && today > self.due
    }
}

/// A dated progress update on an action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionUpdate {
    pub date: Date,
    pub author: String,
    pub text: String,
    pub status: ActionStatus,
}

/// Why a plan is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PlanError(pub String);

/// Checks an id written in a plan (the plan's, a theme's, a priority's, a
/// statement's or a measure's): 1 to 64 of the letters a to z (either
/// case), digits, `-`, `_` and `.`, beginning with a letter or digit, so
/// that it reads the same in a URL, a file name and a command.
pub fn check_code(id: &str) -> Result<(), String> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if id.is_empty() || id.len() > 64 {
        return Err(format!(
            "an id has 1 to 64 characters; {id:?} has {}",
            id.chars().count()
        ));
    }
    if !id.starts_with(|c: char| c.is_ascii_alphanumeric()) || !id.chars().all(ok_char) {
        return Err(format!(
            "an id is letters a to z, digits, - _ and . (beginning with a letter or digit), not {id:?}"
        ));
    }
    Ok(())
}

impl Plan {
    /// The years a measure's values may be entered for, first and last:
    /// the plan's years, and before them the years its first figures are
    /// compared with (the year before the plan's first, for year-on-year
    /// targets, and the measure's baseline year).
    pub fn value_years(&self, m: &Measure) -> (FinancialYear, FinancialYear) {
        let first = m.baseline.map_or(self.first_year.previous(), |b| {
            b.min(self.first_year.previous())
        });
        (first, self.last_year)
    }

    /// Checks the rules a plan keeps: ids unique, themes referenced exist,
    /// the years run forward, targets carry their values.
    pub fn validate(&self) -> Result<(), PlanError> {
        if !crate::is_valid_min_coverage(self.min_coverage) {
            return Err(PlanError(format!(
                "min_months_share {} is not a share from 0 to 1",
                self.min_coverage
            )));
        }
        if self.last_year < self.first_year {
            return Err(PlanError(format!(
                "last_year {} is before first_year {}",
                self.last_year, self.first_year
            )));
        }
        check_code(&self.id).map_err(PlanError)?;
        let mut ids: Vec<&str> = self.themes.iter().map(|t| t.id.as_str()).collect();
        for p in &self.priorities {
            if let Some(t) = &p.theme
                && !self.themes.iter().any(|x| &x.id == t)
            {
                return Err(PlanError(format!(
                    "priority {}: theme {t:?} is not one of the plan's themes",
                    p.id
                )));
            }
            ids.push(&p.id);
            ids.extend(p.objectives.iter().map(|o| o.id.as_str()));
            ids.extend(p.responses.iter().map(|o| o.id.as_str()));
            ids.extend(p.measures.iter().map(|o| o.id.as_str()));
        }
        for id in &ids {
            check_code(id).map_err(PlanError)?;
        }
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
            return Err(PlanError(format!("the id {:?} is used twice", w[0])));
        }
        Ok(())
    }

    /// Every measure with the priority it belongs to.
    pub fn measures(&self) -> impl Iterator<Item = (&Priority, &Measure)> {
        self.priorities
            .iter()
            .flat_map(|p| p.measures.iter().map(move |m| (p, m)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_may_be_entered_for_the_years_compared_with() {
        let m = |baseline: Option<u32>| Measure {
            id: "m".into(),
            text: "t".into(),
            direction: Direction::Higher,
            target: TargetKind::ImproveOnBaseline,
            baseline: baseline.map(FinancialYear::starting),
            baseline_values: vec![1.0, 2.0],
            source: MeasureSource::Manual,
            unit: "referrals".into(),
        };
        let plan = Plan {
            id: "p".into(),
            partnership: "c".into(),
            title: "t".into(),
            first_year: FinancialYear::starting(2023),
            last_year: FinancialYear::starting(2025),
            vision: None,
            source: String::new(),
            themes: vec![],
            priorities: vec![],
            min_coverage: crate::DEFAULT_MIN_COVERAGE,
        };
        let years = |b| {
            let (f, l) = plan.value_years(&m(b));
            (f.to_string(), l.to_string())
        };
        assert_eq!(years(None), ("2022/23".into(), "2025/26".into()));
        assert_eq!(years(Some(2020)), ("2020/21".into(), "2025/26".into()));
        assert_eq!(years(Some(2024)), ("2022/23".into(), "2025/26".into()));
        let q = m(Some(2022)).baseline_quarters();
        assert_eq!(q.len(), 2);
        assert_eq!(q[1].0.to_string(), "2022/23-Q2");
    }

    #[test]
    fn ids_are_codes() {
        for ok in ["charnwood-2023-26", "p1", "p1-m4", "P2.o1", "x_y"] {
            assert_eq!(check_code(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "-p1",
            "p 1",
            "p1/m2",
            "p1?",
            "é",
            ".hidden",
            &"a".repeat(65),
        ] {
            assert!(check_code(bad).is_err(), "{bad:?}");
        }
    }

    proptest::proptest! {
        /// An accepted id needs no escaping in a URL path segment or a
        /// file name, and never names a parent folder.
        #[test]
        fn an_accepted_id_is_safe_in_urls_and_file_names(s in "\\PC{0,70}") {
            if check_code(&s).is_ok() {
                proptest::prop_assert!(s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)));
                proptest::prop_assert!(s != "." && s != ".." && !s.starts_with('.'));
            }
        }
    }

    #[test]
    fn overdue_only_when_open_and_past_due() {
        let mut a = Action {
            id: ActionId::from_stored(1),
            plan_id: "p".into(),
            priority_id: "p1".into(),
            aim: Aim::Prevention,
            key_action: "x".into(),
            lead_agency_id: Some(AgencyId::from_stored(1)),
            lead_agency: "Police".into(),
            start: "2024-04-01".parse().unwrap(),
            due: "2024-06-30".parse().unwrap(),
            financial_implications: String::new(),
            resource_implications: String::new(),
            outcome_target: String::new(),
            measure_id: None,
            status: ActionStatus::OnTrack,
            updates: vec![],
        };
        assert!(!a.is_overdue("2024-06-30".parse().unwrap()));
        assert!(a.is_overdue("2024-07-01".parse().unwrap()));
        a.status = ActionStatus::Complete;
        assert!(!a.is_overdue("2024-07-01".parse().unwrap()));
    }
}
