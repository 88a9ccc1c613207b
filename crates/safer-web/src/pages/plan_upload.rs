//! `/plans/upload`: community safety officers import a plan file (a new
//! plan, or its annual refresh), or only check it, and see any error with
//! its line.

use askama::Template;
use axum::Extension;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;

use crate::auth::Caller;
use crate::view::{self, Chrome};
use crate::{AppState, WebError, http};

/// The largest plan file accepted: plans are a few tens of kilobytes.
pub(crate) const MAX_PLAN: usize = 1024 * 1024;

#[derive(Template)]
#[template(path = "plan_upload.html")]
struct UploadPage {
    chrome: Chrome,
    error: Option<String>,
    checked: Option<String>,
}

fn page(
    app: &AppState,
    caller: &Caller,
    status: StatusCode,
    error: Option<String>,
    checked: Option<String>,
) -> Response {
    view::render(
        status,
        &UploadPage {
            chrome: Chrome::new(app, caller, "Import a plan").with_errors(error.is_some()),
            error,
            checked,
        },
    )
}

pub(crate) async fn form(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Response {
    page(&app, &caller, StatusCode::OK, None, None)
}

pub(crate) async fn upload(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let refuse = |m: String| {
        Ok(page(
            &app,
            &caller,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(m),
            None,
        ))
    };
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut intent = String::from("import");
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| WebError::BadRequest("The upload could not be read. Try again.".into()))?
    {
        match field.name() {
            Some("intent") => {
                intent = field.text().await.unwrap_or_default();
            }
            Some("plan") => {
                let name = field
                    .file_name()
                    .map(|n| n.rsplit(['/', '\\']).next().unwrap_or("").trim().to_owned())
                    .unwrap_or_default();
                let bytes = field.bytes().await.map_err(|_| {
                    WebError::BadRequest("The file is too large for a plan.".into())
                })?;
                if !name.is_empty() {
                    file = Some((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    let Some((name, bytes)) = file else {
        return refuse("Select the plan file".into());
    };
    if !name.to_ascii_lowercase().ends_with(".toml") {
        return refuse(format!("{name} is not a .toml plan file"));
    }
    // The file is read from a folder of its own under its own name, so the
    // messages name it as the person knows it.
    let dir =
        tempfile::tempdir().map_err(|e| WebError::Internal(format!("a temporary folder: {e}")))?;
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = dir.path().join(&safe);
    std::fs::write(&path, &bytes)
        .map_err(|e| WebError::Internal(format!("saving the plan: {e}")))?;
    let shown = |m: String| {
        m.replace(&dir.path().display().to_string(), "")
            .trim_start_matches('/')
            .to_owned()
    };
    if intent == "check" {
        return match app.app.check_plan(&path) {
            Ok(p) => Ok(page(
                &app,
                &caller,
                StatusCode::OK,
                None,
                Some(format!(
                    "{safe} is a valid plan: {}, {} priorities and {} measures. Nothing has been imported.",
                    p.title,
                    p.priorities.len(),
                    p.measures().count()
                )),
            )),
            Err(safer_app::AppError::Invalid(m)) => refuse(shown(m)),
            Err(e) => Err(e.into()),
        };
    }
    match app.app.import_plan(&caller.actor(), &path).await {
        Ok(plan) => Ok(http::redirect(&format!(
            "/plans/{}?imported=1",
            http::url_encode(&plan.id)
        ))),
        Err(safer_app::AppError::Invalid(m) | safer_app::AppError::Conflict(m)) => refuse(shown(m)),
        Err(e) => Err(e.into()),
    }
}
