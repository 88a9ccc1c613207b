//! A case's chronology: what happened and what was decided, in the order
//! it happened, each entry by whom and for which agency.

use serde::{Deserialize, Serialize};

use super::case::RiskLevel;
use crate::Date;

/// What an entry of the chronology records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The referral to the forum.
    Referred,
    /// The forum accepted the referral.
    Accepted,
    /// The forum declined the referral, with its reason.
    Declined,
    /// A caseworker's note.
    Note,
    /// An incident reported by the victim or at the location: what the
    /// repeat rules count.
    Incident,
    /// A risk assessment, with the level it found.
    RiskAssessed,
    /// A decision of the forum, at a meeting.
    Decision,
    /// The case was shared with another agency.
    Shared,
    /// The case was closed, with its outcome.
    Closed,
    /// A closed or declined case was referred again.
    Reopened,
}

impl EventKind {
    pub const ALL: [EventKind; 10] = [
        EventKind::Referred,
        EventKind::Accepted,
        EventKind::Declined,
        EventKind::Note,
        EventKind::Incident,
        EventKind::RiskAssessed,
        EventKind::Decision,
        EventKind::Shared,
        EventKind::Closed,
        EventKind::Reopened,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Referred => "referred",
            EventKind::Accepted => "accepted",
            EventKind::Declined => "declined",
            EventKind::Note => "note",
            EventKind::Incident => "incident",
            EventKind::RiskAssessed => "risk_assessed",
            EventKind::Decision => "decision",
            EventKind::Shared => "shared",
            EventKind::Closed => "closed",
            EventKind::Reopened => "reopened",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EventKind::Referred => "Referred",
            EventKind::Accepted => "Accepted",
            EventKind::Declined => "Declined",
            EventKind::Note => "Note",
            EventKind::Incident => "Incident",
            EventKind::RiskAssessed => "Risk assessed",
            EventKind::Decision => "Decision",
            EventKind::Shared => "Shared",
            EventKind::Closed => "Closed",
            EventKind::Reopened => "Referred again",
        }
    }

    /// Whether a caseworker may write this kind of entry by hand; the
    /// others are written by the task that makes the change (a referral,
    /// a decision on it, a share, a closure, a risk assessment).
    pub fn is_entered(self) -> bool {
        matches!(self, EventKind::Note | EventKind::Incident)
    }
}

impl std::str::FromStr for EventKind {
    type Err = String;

    fn from_str(s: &str) -> Result<EventKind, String> {
        EventKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "expected one of {}, found {s:?}",
                    EventKind::ALL.map(EventKind::as_str).join(", ")
                )
            })
    }
}

/// One entry of a case's chronology.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEvent {
    pub kind: EventKind,
    /// The day it happened (an incident may be recorded days later).
    pub on: Date,
    pub text: String,
    /// For a risk assessment: the level it found.
    pub risk: Option<RiskLevel>,
    /// Who recorded it, and for which agency.
    pub author: String,
    pub agency: String,
}
