//! Checking what people enter, shared by the pages and the API: a form
//! field and a JSON member are held to the same rules and say the same.

use safer_domain::{ActionStatus, Date, Quarter};

/// The most an update's text may hold.
pub(crate) const MAX_TEXT: usize = 4000;

/// An update as entered, checked: its status, text and date.
pub(crate) struct CheckedUpdate {
    pub status: ActionStatus,
    pub text: String,
    pub date: Date,
}

/// Checks an update as entered; errors are (field, message). An empty date
/// is `today`.
pub(crate) fn validate_update(
    status: &str,
    text: &str,
    date: Option<&str>,
    today: Date,
) -> Result<CheckedUpdate, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let status = ActionStatus::parse(status);
    if status.is_none() {
        errors.push(("status", "Select the action's status".to_owned()));
    }
    let text = text.trim();
    if text.is_empty() {
        errors.push((
            "text",
            "Enter what has happened since the last update".to_owned(),
        ));
    } else if text.chars().count() > MAX_TEXT {
        errors.push((
            "text",
            format!("The update must be {MAX_TEXT} characters or fewer"),
        ));
    }
    let date = match date.map(str::trim).filter(|d| !d.is_empty()) {
        None => Some(today),
        Some(d) => match d.parse::<Date>() {
            Ok(d) if d > today => {
                errors.push((
                    "date",
                    format!("The date must be today or earlier: progress is recorded when it has happened (today is {today})"),
                ));
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                errors.push((
                    "date",
                    "Enter the date as YYYY-MM-DD, for example 2024-07-31".to_owned(),
                ));
                None
            }
        },
    };
    match (status, date) {
        (Some(status), Some(date)) if errors.is_empty() => Ok(CheckedUpdate {
            status,
            text: text.to_owned(),
            date,
        }),
        _ => Err(errors),
    }
}

/// A value as entered, checked: its quarter, number and source note.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CheckedValue {
    pub quarter: Quarter,
    pub value: f64,
    pub note: String,
}

/// The most a value's note may hold.
pub(crate) const MAX_NOTE: usize = 500;

/// Checks a measure's value as entered; errors are (field, message). A
/// number may have thousands separators and a decimal point; a percentage
/// is entered without its sign.
pub(crate) fn validate_value(
    quarter: &str,
    value: &str,
    note: &str,
) -> Result<CheckedValue, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let q = quarter.trim().parse::<Quarter>();
    if q.is_err() {
        errors.push(("quarter", "Select the quarter the value is for".to_owned()));
    }
    let text = value.trim().replace(',', "");
    let v = text.trim_end_matches('%').trim().parse::<f64>();
    match &v {
        _ if text.is_empty() => errors.push(("value", "Enter the value".to_owned())),
        Ok(x) if x.is_finite() => {}
        _ => errors.push((
            "value",
            "Enter the value as a number, such as 88 or 12.5".to_owned(),
        )),
    }
    let note = note.trim();
    if note.chars().count() > MAX_NOTE {
        errors.push((
            "note",
            format!("The note must be {MAX_NOTE} characters or fewer"),
        ));
    }
    match (q, v) {
        (Ok(quarter), Ok(value)) if errors.is_empty() => Ok(CheckedValue {
            quarter,
            value,
            note: note.to_owned(),
        }),
        _ => Err(errors),
    }
}

/// An action as typed in its form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct ActionForm {
    pub priority: String,
    pub aim: String,
    pub key_action: String,
    pub lead_agency: String,
    pub start: String,
    pub due: String,
    pub financial_implications: String,
    pub resource_implications: String,
    pub outcome_target: String,
    pub measure: String,
}

/// The most an action's text fields may hold.
pub(crate) const MAX_FIELD: usize = 2000;

/// Checks an action as typed against its plan; errors are (field,
/// message), in the order of the form.
pub(crate) fn validate_action(
    f: &ActionForm,
    plan: &safer_domain::Plan,
) -> Result<safer_app::ActionEntry, Vec<(&'static str, String)>> {
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let priority = plan.priorities.iter().find(|p| p.id == f.priority.trim());
    if priority.is_none() {
        errors.push(("priority", "Select the priority the action serves".into()));
    }
    let aim = safer_domain::Aim::parse(f.aim.trim());
    if aim.is_none() {
        errors.push(("aim", "Select the action's aim".into()));
    }
    let text = |id: &'static str, v: &str, required: Option<&str>, errors: &mut Vec<_>| {
        let v = v.trim();
        if let Some(m) = required
            && v.is_empty()
        {
            errors.push((id, m.to_owned()));
        } else if v.chars().count() > MAX_FIELD {
            errors.push((id, format!("This must be {MAX_FIELD} characters or fewer")));
        }
        v.to_owned()
    };
    let key_action = text(
        "key_action",
        &f.key_action,
        Some("Say what the action is"),
        &mut errors,
    );
    let lead = text(
        "lead_agency",
        &f.lead_agency,
        Some("Select the lead agency"),
        &mut errors,
    );
    let date = |id: &'static str, v: &str, errors: &mut Vec<_>| match v.trim().parse::<Date>() {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push((
                id,
                "Enter the date as YYYY-MM-DD, for example 2024-07-31".to_owned(),
            ));
            None
        }
    };
    let start = date("start", &f.start, &mut errors);
    let due = date("due", &f.due, &mut errors);
    if let (Some(s), Some(d)) = (start, due)
        && d < s
    {
        errors.push((
            "due",
            format!("The due date must be on or after the start date ({s})"),
        ));
    }
    let financial = text(
        "financial_implications",
        &f.financial_implications,
        None,
        &mut errors,
    );
    let resources = text(
        "resource_implications",
        &f.resource_implications,
        None,
        &mut errors,
    );
    let outcome = text(
        "outcome_target",
        &f.outcome_target,
        Some("Say what the action should achieve"),
        &mut errors,
    );
    let measure = match f.measure.trim() {
        "" => None,
        m if plan.measures().any(|(_, x)| x.id == m) => Some(m.to_owned()),
        _ => {
            errors.push((
                "measure",
                "Select one of the plan's measures, or none".into(),
            ));
            None
        }
    };
    match (priority, aim, start, due) {
        (Some(p), Some(aim), Some(start), Some(due)) if errors.is_empty() => {
            Ok(safer_app::ActionEntry {
                plan_id: plan.id.clone(),
                priority_id: p.id.clone(),
                aim,
                key_action,
                lead_agency: lead,
                start,
                due,
                financial_implications: financial,
                resource_implications: resources,
                outcome_target: outcome,
                measure_id: measure,
            })
        }
        _ => Err(errors),
    }
}

/// An amount of money as typed: pounds, perhaps with `£`, thousands
/// separators and pence (`12,000`, `£1,500.50`).
fn money(
    id: &'static str,
    v: &str,
    negative_ok: bool,
    errors: &mut Vec<(&'static str, String)>,
) -> Option<i64> {
    match safer_domain::parse_pounds(v) {
        Some(p) if p >= 0 || negative_ok => Some(p),
        Some(_) => {
            errors.push((id, "The amount cannot be negative".into()));
            None
        }
        None => {
            errors.push((
                id,
                "Enter the amount in pounds, such as 12,000 or 1,500.50".into(),
            ));
            None
        }
    }
}

/// A year's allocation as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct AllocationForm {
    pub partnership: String,
    pub year: String,
    pub amount: String,
    pub source: String,
}

/// A form's errors: (field id, message), in the form's order.
pub(crate) type FieldErrors = Vec<(&'static str, String)>;

/// An allocation, checked: partnership, year, pence, source.
pub(crate) type CheckedAllocation = (String, safer_domain::FinancialYear, i64, String);

pub(crate) fn validate_allocation(f: &AllocationForm) -> Result<CheckedAllocation, FieldErrors> {
    let mut errors = Vec::new();
    let partnership = f.partnership.trim();
    if partnership.is_empty() {
        errors.push(("partnership", "Select the partnership".into()));
    }
    let year = f
        .year
        .trim()
        .replace('-', "/")
        .parse::<safer_domain::FinancialYear>();
    if year.is_err() {
        errors.push(("year", "Enter the financial year as 2024/25".into()));
    }
    let amount = money("amount", &f.amount, false, &mut errors);
    let source = f.source.trim();
    if source.is_empty() {
        errors.push((
            "source",
            "Say where the money comes from, such as the PCC grant letter".into(),
        ));
    }
    match (year, amount) {
        (Ok(y), Some(a)) if errors.is_empty() => {
            Ok((partnership.to_owned(), y, a, source.to_owned()))
        }
        _ => Err(errors),
    }
}

/// A fund project as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct ProjectForm {
    pub name: String,
    pub lead_agency: String,
    pub budget: String,
    /// `plan-id priority-id`: the priority the project serves.
    pub priority: String,
    pub action: String,
}

pub(crate) fn validate_project(
    f: &ProjectForm,
    partnership: &str,
    year: safer_domain::FinancialYear,
) -> Result<safer_app::FundEntry, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let name = f.name.trim();
    if name.is_empty() {
        errors.push(("name", "Enter the project's name".into()));
    }
    let lead = f.lead_agency.trim();
    if lead.is_empty() {
        errors.push(("lead_agency", "Select the lead agency".into()));
    }
    let budget = money("budget", &f.budget, false, &mut errors);
    let priority = f.priority.split_once(' ');
    if priority.is_none() {
        errors.push(("priority", "Select the priority the project serves".into()));
    }
    let action = match f.action.trim() {
        "" => None,
        a => match a.parse::<safer_domain::ActionId>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.push((
                    "action",
                    "Enter the action's number, or leave it empty".into(),
                ));
                None
            }
        },
    };
    match (budget, priority) {
        (Some(budget_pence), Some((plan, p))) if errors.is_empty() => Ok(safer_app::FundEntry {
            partnership: partnership.to_owned(),
            year,
            name: name.to_owned(),
            lead_agency: lead.to_owned(),
            budget_pence,
            plan_id: plan.to_owned(),
            priority_id: p.to_owned(),
            action_id: action,
        }),
        _ => Err(errors),
    }
}

/// A quarter's spend on a project as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct SpendForm {
    pub project: String,
    #[serde(rename = "spend_quarter")]
    pub quarter: String,
    /// Named apart from the allocation's fields on the same page.
    #[serde(rename = "spend_amount")]
    pub amount: String,
    #[serde(rename = "spend_note")]
    pub note: String,
}

/// Spend, checked: project, quarter, pence, note.
pub(crate) type CheckedSpend = (safer_domain::ProjectId, u8, i64, String);

pub(crate) fn validate_spend(f: &SpendForm) -> Result<CheckedSpend, FieldErrors> {
    let mut errors = Vec::new();
    let project = f.project.trim().parse::<safer_domain::ProjectId>();
    if project.is_err() {
        errors.push(("project", "Select the project".into()));
    }
    let quarter = match f.quarter.trim().parse::<u8>() {
        Ok(q) if (1..=4).contains(&q) => Some(q),
        _ => {
            errors.push(("spend_quarter", "Select the quarter, 1 to 4".into()));
            None
        }
    };
    // A negative amount records a refund or a correction.
    let amount = money("spend_amount", &f.amount, true, &mut errors);
    let note = f.note.trim();
    if note.chars().count() > MAX_NOTE {
        errors.push((
            "spend_note",
            format!("The note must be {MAX_NOTE} characters or fewer"),
        ));
    }
    match (project, quarter, amount) {
        (Ok(p), Some(q), Some(a)) if errors.is_empty() => Ok((p, q, a, note.to_owned())),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        "2024-07-31".parse().unwrap()
    }

    #[test]
    fn an_update_is_checked_field_by_field() {
        let u = validate_update("on_track", "  Two held  ", Some(""), today()).unwrap();
        assert_eq!(
            (u.status, u.text.as_str(), u.date),
            (ActionStatus::OnTrack, "Two held", today())
        );
        let e = validate_update("done", "", Some("2024-08-01"), today())
            .err()
            .unwrap();
        let fields: Vec<&str> = e.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["status", "text", "date"]);
        assert!(e[2].1.contains("today or earlier"), "{}", e[2].1);
        let e = validate_update("complete", "x", Some("31/07/2024"), today())
            .err()
            .unwrap();
        assert!(e[0].1.contains("YYYY-MM-DD"));
        let long = "x".repeat(MAX_TEXT + 1);
        assert!(validate_update("complete", &long, None, today()).is_err());
    }

    #[test]
    fn a_value_is_checked_field_by_field() {
        let v = validate_value("2024-Q2", " 1,234.5 ", "  survey  ").unwrap();
        assert_eq!(
            (v.quarter.to_string().as_str(), v.value, v.note.as_str()),
            ("2024/25-Q2", 1234.5, "survey")
        );
        assert_eq!(validate_value("2024-Q2", "88%", "").unwrap().value, 88.0);
        let e = validate_value("2024-Q5", "lots", &"n".repeat(MAX_NOTE + 1))
            .err()
            .unwrap();
        let fields: Vec<&str> = e.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["quarter", "value", "note"]);
        assert!(validate_value("2024-Q1", "", "").is_err());
        assert!(validate_value("2024-Q1", "inf", "").is_err());
    }

    #[test]
    fn money_forms_are_checked() {
        let a = validate_allocation(&AllocationForm {
            partnership: "charnwood".into(),
            year: "2024-25".into(),
            amount: "£40,000".into(),
            source: "PCC grant letter".into(),
        })
        .unwrap();
        assert_eq!((a.1.to_string().as_str(), a.2), ("2024/25", 4_000_000));
        let e = validate_allocation(&AllocationForm {
            amount: "-5".into(),
            ..AllocationForm::default()
        })
        .err()
        .unwrap();
        let fields: Vec<&str> = e.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["partnership", "year", "amount", "source"]);
        let (_, q, pence, _) = validate_spend(&SpendForm {
            project: "3".into(),
            quarter: "2".into(),
            amount: "-12.50".into(),
            note: "refund".into(),
        })
        .unwrap();
        assert_eq!((q, pence), (2, -1250), "a refund is a negative amount");
        assert!(
            validate_spend(&SpendForm {
                quarter: "5".into(),
                ..SpendForm::default()
            })
            .is_err()
        );
    }

    proptest::proptest! {
        #[test]
        fn any_value_is_accepted_or_refused(q in "\\PC{0,10}", v in "\\PC{0,12}", n in "\\PC{0,20}") {
            if let Ok(c) = validate_value(&q, &v, &n) {
                proptest::prop_assert!(c.value.is_finite());
            }
        }

        /// Whatever is typed, the check answers without panicking, and an
        /// accepted update is never dated after today nor empty.
        #[test]
        fn any_input_is_accepted_or_refused(status in "\\PC{0,12}", text in "\\PC{0,30}", date in "\\PC{0,12}") {
            if let Ok(u) = validate_update(&status, &text, Some(&date), today()) {
                proptest::prop_assert!(u.date <= today());
                proptest::prop_assert!(!u.text.is_empty());
            }
        }
    }
}
