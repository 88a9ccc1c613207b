//! The actions a forum agrees on a case: each owned by one agency and an
//! officer of it, with a due date, a status and updates.

use serde::{Deserialize, Serialize};

use crate::Date;

/// Where a case action is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseActionStatus {
    Open,
    Done,
    /// No longer needed (the case closed, or the forum changed its mind).
    Cancelled,
}

impl CaseActionStatus {
    pub const ALL: [CaseActionStatus; 3] = [
        CaseActionStatus::Open,
        CaseActionStatus::Done,
        CaseActionStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseActionStatus::Open => "open",
            CaseActionStatus::Done => "done",
            CaseActionStatus::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseActionStatus::Open => "Open",
            CaseActionStatus::Done => "Done",
            CaseActionStatus::Cancelled => "Cancelled",
        }
    }
}

impl std::str::FromStr for CaseActionStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<CaseActionStatus, String> {
        CaseActionStatus::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("expected open, done or cancelled, found {s:?}"))
    }
}

/// Whether an action with this status and due date is overdue on `today`:
/// open, and due before today (an action due today is not yet late).
pub fn is_overdue(status: CaseActionStatus, due: Date, today: Date) -> bool {
    status == CaseActionStatus::Open && due < today
}

/// How many days late an action is on `today` (0 when it is not overdue).
pub fn days_late(status: CaseActionStatus, due: Date, today: Date) -> i64 {
    if is_overdue(status, due, today) {
        due.days_until(today)
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn statuses_read_back() {
        for s in CaseActionStatus::ALL {
            assert_eq!(s.as_str().parse::<CaseActionStatus>(), Ok(s));
        }
        assert!("finished".parse::<CaseActionStatus>().is_err());
    }

    proptest! {
        /// An open action is late from the day after it is due, by the
        /// days since; a done or cancelled one never is.
        #[test]
        fn overdue_from_the_day_after_it_is_due(due in 0i64..40_000, after in -400i64..400) {
            let due = Date::UNIX_EPOCH.plus_days(due).unwrap();
            let today = due.plus_days(after).unwrap();
            prop_assert_eq!(is_overdue(CaseActionStatus::Open, due, today), after > 0);
            prop_assert_eq!(days_late(CaseActionStatus::Open, due, today), after.max(0));
            for s in [CaseActionStatus::Done, CaseActionStatus::Cancelled] {
                prop_assert!(!is_overdue(s, due, today));
                prop_assert_eq!(days_late(s, due, today), 0);
            }
        }
    }
}
