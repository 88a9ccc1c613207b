//! Checking what people enter, shared by the pages and the API: a form
//! field and a JSON member are held to the same rules and say the same.

use safer_domain::{ActionStatus, Date};

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

    proptest::proptest! {
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
