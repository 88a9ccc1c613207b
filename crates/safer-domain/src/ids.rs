//! Ids of stored records: one type per kind of record, so an action's id
//! cannot be passed where an agency's is meant, and an id typed by a person
//! (a URL, a command's argument) is checked once, where it is parsed.
//!
//! An id is a whole number from 1, given by the database. It is made by
//! parsing text ([`std::str::FromStr`]: "12"), by deserialising a number,
//! or by the store from a row ([`AgencyId::from_stored`] and the like);
//! [`AgencyId::get`] gives the number back, for storing and for showing.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Text that is not an id of the kind asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} ids are whole numbers from 1, not {text:?}")]
pub struct IdError {
    pub what: &'static str,
    pub text: String,
}

macro_rules! record_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "i64", into = "i64")]
        pub struct $name(i64);

        impl $name {
            /// The id of a row read from the database, which gave it.
            pub fn from_stored(n: i64) -> $name {
                $name(n)
            }

            /// The number, for storing and for showing.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl TryFrom<i64> for $name {
            type Error = IdError;
            fn try_from(n: i64) -> Result<$name, IdError> {
                if n >= 1 {
                    Ok($name(n))
                } else {
                    Err(IdError {
                        what: $what,
                        text: n.to_string(),
                    })
                }
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<$name, IdError> {
                let bad = || IdError {
                    what: $what,
                    text: s.to_owned(),
                };
                // Digits only: no sign, no spaces, no leading zero.
                if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || s.starts_with('0') {
                    return Err(bad());
                }
                s.parse::<i64>().map_err(|_| bad()).and_then(|n| {
                    $name::try_from(n).map_err(|_| bad())
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

record_id!(
    /// An agency (organisation) of the partnership.
    AgencyId,
    "agency"
);
record_id!(
    /// A user of Safer.
    UserId,
    "user"
);
record_id!(
    /// An action of a plan's action plan.
    ActionId,
    "action"
);
record_id!(
    /// A project paid for from the Locality Fund.
    ProjectId,
    "project"
);
record_id!(
    /// An API token.
    TokenId,
    "token"
);

record_id!(
    /// A step of the ASB escalation ladder taken with a person on a case.
    InterventionId,
    "intervention"
);
record_id!(
    /// A record of youth work or a referral on a case: a management plan,
    /// a diversionary activity, a place power or a referral.
    CaseRecordId,
    "record"
);
record_id!(
    /// An application for an ASB case review (the Community Trigger).
    TriggerId,
    "application"
);

record_id!(
    /// A Domestic Homicide Review.
    DhrId,
    "review"
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parsing() {
        assert_eq!("12".parse::<ActionId>().unwrap().get(), 12);
        for bad in [
            "",
            "0",
            "-3",
            "+3",
            " 3",
            "3 ",
            "03",
            "1e3",
            "x",
            "99999999999999999999",
        ] {
            let e = bad.parse::<ActionId>().unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("action ids are whole numbers from 1, not {bad:?}")
            );
        }
        assert_eq!(serde_json::from_str::<AgencyId>("7").unwrap().get(), 7);
        assert!(serde_json::from_str::<AgencyId>("0").is_err());
        assert!(serde_json::from_str::<AgencyId>("\"7\"").is_err());
        assert_eq!(
            serde_json::to_string(&ProjectId::from_stored(4)).unwrap(),
            "4"
        );
    }

    proptest! {
        #[test]
        fn text_round_trips(n in 1i64..=i64::MAX) {
            let id: UserId = n.to_string().parse().unwrap();
            prop_assert_eq!(id.get(), n);
            prop_assert_eq!(id.to_string().parse::<UserId>().unwrap(), id);
        }

        #[test]
        fn any_text_parses_or_is_refused(s in "\\PC{0,24}") {
            if let Ok(id) = s.parse::<TokenId>() {
                prop_assert_eq!(id.to_string(), s);
            }
        }
    }
}
record_id!(
    /// A person on the partnership's cases.
    PersonId,
    "person"
);
record_id!(
    /// A case of one of the partnership's forums.
    CaseId,
    "case"
);
record_id!(
    /// An action agreed on a case, owned by one agency.
    CaseActionId,
    "case action"
);
record_id!(
    /// A meeting of one of the partnership's forums.
    MeetingId,
    "meeting"
);
record_id!(
    /// A location on the partnership's cases.
    LocationId,
    "location"
);
record_id!(
    /// A group on the partnership's cases.
    GroupId,
    "group"
);
