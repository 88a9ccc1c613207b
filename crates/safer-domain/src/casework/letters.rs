//! The letters to a Community Trigger applicant [K]: the partnership's own
//! wording, as templates it edits (`{{ reference }}`, `{{ applicant }}`,
//! `{% for r in reasons %}` …), with Safer's defaults. The application
//! layer fills them; what each may use is listed in docs/community-trigger.md.

use serde::{Deserialize, Serialize};

/// The letter templates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TriggerLetters {
    pub acknowledgement: String,
    pub threshold_met: String,
    pub threshold_not_met: String,
    pub outcome: String,
}

impl Default for TriggerLetters {
    fn default() -> TriggerLetters {
        TriggerLetters {
            acknowledgement: "Dear {{ applicant }},

Thank you for your application for an ASB case review (Community Trigger), received on {{ received_on }}. Your reference is {{ reference }}.

We will decide whether the threshold for a review is met by {{ decision_by }} and write to you with our decision.

Yours sincerely,
{{ partnership }}"
                .into(),
            threshold_met: "Dear {{ applicant }},

ASB case review {{ reference }}

We have considered your application of {{ received_on }}. The threshold for an ASB case review is met: {{ route }}.

{{ lead_agency }} will lead the review, which will be held by {{ review_by }}. You{% if victim_invited %} are{% else %} may ask to be{% endif %} invited to the review meeting to tell the panel about the problem in your own words.

The complaints we counted:
{% for c in counted %}- {{ c }}
{% endfor %}
Yours sincerely,
{{ partnership }}"
                .into(),
            threshold_not_met: "Dear {{ applicant }},

ASB case review {{ reference }}

We have considered your application of {{ received_on }}. The threshold for an ASB case review is not met, for these reasons:
{% for r in reasons %}- {{ r }}
{% endfor %}{% if note %}
{{ note }}
{% endif %}
If you are not satisfied with how your application was handled, you may ask {{ appeal_to }} to review it. Reply to this letter quoting your reference.

Yours sincerely,
{{ partnership }}"
                .into(),
            outcome: "Dear {{ applicant }},

ASB case review {{ reference }}

The review panel met on {{ reviewed_on }}. {{ outcome }}
{% if recommendations %}
The panel made these recommendations:
{% for r in recommendations %}- To {{ r.body }}: {{ r.text }} (by {{ r.due }})
{% endfor %}{% else %}
The panel made no recommendations.
{% endif %}
If you are not satisfied with how the review was carried out, you may ask {{ appeal_to }} to look at it again. Reply to this letter quoting your reference.

Yours sincerely,
{{ partnership }}"
                .into(),
        }
    }
}

/// Which letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterKind {
    Acknowledgement,
    ThresholdMet,
    ThresholdNotMet,
    Outcome,
}

impl LetterKind {
    pub const ALL: [LetterKind; 4] = [
        LetterKind::Acknowledgement,
        LetterKind::ThresholdMet,
        LetterKind::ThresholdNotMet,
        LetterKind::Outcome,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LetterKind::Acknowledgement => "acknowledgement",
            LetterKind::ThresholdMet => "threshold_met",
            LetterKind::ThresholdNotMet => "threshold_not_met",
            LetterKind::Outcome => "outcome",
        }
    }

    pub fn parse(s: &str) -> Option<LetterKind> {
        LetterKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            LetterKind::Acknowledgement => "Acknowledgement",
            LetterKind::ThresholdMet => "Threshold decision: met",
            LetterKind::ThresholdNotMet => "Threshold decision: not met",
            LetterKind::Outcome => "Outcome of the review",
        }
    }
}

impl TriggerLetters {
    pub fn template(&self, kind: LetterKind) -> &str {
        match kind {
            LetterKind::Acknowledgement => &self.acknowledgement,
            LetterKind::ThresholdMet => &self.threshold_met,
            LetterKind::ThresholdNotMet => &self.threshold_not_met,
            LetterKind::Outcome => &self.outcome,
        }
    }
}
