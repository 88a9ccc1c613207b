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
