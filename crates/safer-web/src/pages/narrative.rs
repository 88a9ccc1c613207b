//! `/assessment/narrative`: the analyst writes what the figures mean (key
//! findings, emerging threats, community tensions, recommended
//! priorities), kept with the assessment of a district, year and period
//! and printed in the assessment report and its PDF.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Form};
use safer_domain::{NARRATIVE_LIMIT, Narrative};

use crate::auth::Caller;
use crate::data::{self, AssessmentQuery};
use crate::view::{self, Chrome, Errors};
use crate::{AppState, WebError, http};

/// The form's fields: the assessment it belongs to, and the four parts.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct NarrativeForm {
    district: String,
    year: String,
    as_at: String,
    key_findings: String,
    emerging_threats: String,
    community_tensions: String,
    recommended_priorities: String,
    /// Set after a save, for the success banner.
    saved: Option<String>,
}

impl NarrativeForm {
    fn query(&self) -> AssessmentQuery {
        AssessmentQuery {
            district: Some(self.district.clone()),
            year: Some(self.year.clone()),
            as_at: Some(self.as_at.clone()),
            category: None,
            beat: None,
        }
    }

    fn narrative(&self) -> Narrative {
        Narrative {
            key_findings: self.key_findings.clone(),
            emerging_threats: self.emerging_threats.clone(),
            community_tensions: self.community_tensions.clone(),
            recommended_priorities: self.recommended_priorities.clone(),
        }
    }
}

/// One part of the form: its field, heading, hint and text.
struct Part {
    id: &'static str,
    label: &'static str,
    hint: &'static str,
    value: String,
}

#[derive(Template)]
#[template(path = "narrative.html")]
struct NarrativePage {
    chrome: Chrome,
    banner: Option<String>,
    errors: Errors,
    district: String,
    year: String,
    as_at: String,
    /// "2023/24" or "2023/24 to September 2023".
    period: String,
    parts: Vec<Part>,
    written: Option<String>,
    limit: String,
    /// The query of the assessment, URL-encoded.
    query: String,
}

const HINTS: [(&str, &str); 4] = [
    (
        "key_findings",
        "What the figures show that the partnership must know: the main rises, falls and places.",
    ),
    (
        "emerging_threats",
        "New or growing harms, from the data and from partners' intelligence.",
    ),
    (
        "community_tensions",
        "Tensions reported by partners and communities, and where.",
    ),
    (
        "recommended_priorities",
        "The priorities the analyst recommends for the plan, and why.",
    ),
];

/// The field of a part, by its heading.
fn field_of(heading: &str) -> &'static str {
    let n = Narrative::default();
    n.sections()
        .iter()
        .zip(HINTS)
        .find(|((h, _), _)| *h == heading)
        .map_or("key_findings", |(_, (id, _))| id)
}

async fn page(
    app: &AppState,
    caller: &Caller,
    form: &NarrativeForm,
    banner: Option<String>,
    errors: Vec<(&'static str, String)>,
    from_store: bool,
) -> Result<Response, WebError> {
    let assessed = data::assess(app, caller, &form.query()).await?;
    let a = &assessed.assessment;
    let stored = app
        .app
        .narrative(&caller.actor(), &a.district, a.year, a.as_at)
        .await?;
    let shown = if from_store {
        stored
            .as_ref()
            .map(|s| s.narrative.clone())
            .unwrap_or_default()
    } else {
        form.narrative()
    };
    let parts = shown
        .sections()
        .iter()
        .zip(HINTS)
        .map(|((label, text), (id, hint))| Part {
            id,
            label,
            hint,
            value: (*text).to_owned(),
        })
        .collect();
    let period = match a.as_at {
        Some(m) => format!("{} to {} {}", a.year, m.name(), m.year()),
        None => a.year.to_string(),
    };
    let has_errors = !errors.is_empty();
    let query = super::assessment::base_query(a);
    Ok(view::render(
        if has_errors {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &NarrativePage {
            chrome: Chrome::new(
                app,
                caller,
                format!("The analyst's assessment: {} {period}", a.district),
            )
            .with_errors(has_errors),
            banner,
            errors: Errors(errors),
            district: a.district.clone(),
            year: a.year.to_string(),
            as_at: a.as_at.map(|m| m.to_string()).unwrap_or_default(),
            period,
            parts,
            written: stored
                .map(|s| format!("Last saved by {} at {} (UTC).", s.written_by, s.written_at)),
            limit: view::thousands(NARRATIVE_LIMIT as u64),
            query,
        },
    ))
}

/// GET: the form, filled with what is written.
pub(crate) async fn form(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<NarrativeForm>,
) -> Result<Response, WebError> {
    let banner = q
        .saved
        .is_some()
        .then(|| "The analyst's assessment is saved.".to_owned());
    page(&app, &caller, &q, banner, Vec::new(), true).await
}

/// POST: saves the four parts; back to the form with a banner.
pub(crate) async fn save(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Form(form): Form<NarrativeForm>,
) -> Result<Response, WebError> {
    let assessed = data::assess(&app, &caller, &form.query()).await?;
    let a = &assessed.assessment;
    if let Err((heading, why)) = form.narrative().checked() {
        return page(
            &app,
            &caller,
            &form,
            None,
            vec![(field_of(heading), format!("{why}."))],
            false,
        )
        .await;
    }
    app.app
        .write_narrative(
            &caller.actor(),
            &a.district,
            a.year,
            a.as_at,
            form.narrative(),
        )
        .await?;
    Ok(http::redirect(&format!(
        "/assessment/narrative?{}&saved=1",
        super::assessment::base_query(a)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_has_its_own_field() {
        for (heading, _) in Narrative::default().sections() {
            let f = field_of(heading);
            assert_eq!(
                HINTS.iter().filter(|(id, _)| *id == f).count(),
                1,
                "{heading}"
            );
        }
        assert_eq!(field_of("Community tensions"), "community_tensions");
    }
}
