//! What pages and the API ask of the app, from query strings: the
//! assessment and the performance review. The steps themselves are the
//! app's tasks, the same ones the command line calls; this module only
//! turns query-string text into their arguments and runs file work off the
//! async threads.

use std::sync::Arc;

use safer_app::{Assessed, AssessmentQuery as Query, Reviewed};
use safer_domain::{FinancialYear, Month, Quarter};

use crate::auth::Caller;
use crate::{AppState, WebError};

/// Runs file work off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, WebError> + Send + 'static,
) -> Result<T, WebError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| WebError::Internal(format!("a background task failed: {e}")))?
}

/// Parameters of an assessment as given in a query string; empty means
/// the default.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub(crate) struct AssessmentQuery {
    pub district: Option<String>,
    pub year: Option<String>,
    pub as_at: Option<String>,
    pub category: Option<String>,
    pub beat: Option<String>,
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl AssessmentQuery {
    /// The app's query: district, year and month parsed, or a message.
    pub(crate) fn parse(&self) -> Result<Query, WebError> {
        let year = non_empty(&self.year)
            .map(|y| {
                y.parse::<FinancialYear>().map_err(|_| {
                    WebError::BadRequest(format!(
                        "The year must be a financial year such as 2023/24, not {y:?}."
                    ))
                })
            })
            .transpose()?;
        let as_at = non_empty(&self.as_at)
            .map(|m| {
                m.parse::<Month>().map_err(|_| {
                    WebError::BadRequest(format!(
                        "The month must be written YYYY-MM, such as 2023-09, not {m:?}."
                    ))
                })
            })
            .transpose()?;
        Ok(Query {
            district: non_empty(&self.district).map(str::to_owned),
            year,
            as_at,
        })
    }
}

/// The assessment a query asks for (see [`safer_app::App::assess`]).
pub(crate) async fn assess(
    app: &AppState,
    caller: &Caller,
    q: &AssessmentQuery,
) -> Result<Arc<Assessed>, WebError> {
    let query = q.parse()?;
    let actor = caller.actor();
    let task = app.app.clone();
    // A period the data cannot be assessed for (an as-at month outside
    // the year, say) is a bad query: 400, as for a malformed one.
    blocking(move || {
        task.assess(&actor, &query).map_err(|e| match e {
            safer_app::AppError::Invalid(m) => WebError::BadRequest(m),
            other => other.into(),
        })
    })
    .await
}

pub(crate) fn parse_quarter(q: Option<&str>) -> Result<Option<Quarter>, WebError> {
    match q.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(WebError::BadRequest),
    }
}

/// The review of a plan at a quarter (default: the latest complete
/// quarter held within the plan's years).
pub(crate) async fn review(
    app: &AppState,
    caller: &Caller,
    plan_id: &str,
    quarter: Option<Quarter>,
) -> Result<Arc<Reviewed>, WebError> {
    Ok(app.app.review(&caller.actor(), plan_id, quarter).await?)
}

/// The current time, RFC 3339 UTC, by the app's clock.
pub(crate) fn now_utc(app: &AppState) -> String {
    app.app.now().to_rfc3339()
}
