//! `/import`: analysts upload police.uk street-level CSV files, or the zip
//! police.uk gives as its download, imported all or nothing exactly as
//! `safer import police-uk` does, and see the import report.
//!
//! Uploads are streamed to a temporary folder (never held whole in
//! memory), named as police.uk names them (`YYYY-MM-<force>-street.csv`,
//! or any `.zip`). The form's first field is the CSRF token, which the gate
//! reads ahead of the files.

use axum::Extension;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use tokio::io::AsyncWriteExt;

use safer_app::AppError;
use safer_app::import::{self as importer, ImportReport};

use askama::Template;

use crate::auth::Caller;
use crate::view::{self, Cell, Chrome, Heading, Table};
use crate::{AppState, WebError};

/// The largest upload accepted: a year of a large force's files.
pub(crate) const MAX_UPLOAD: usize = 1024 * 1024 * 1024;

/// The checkbox that accepts files smaller than expected (named so in
/// `import.html` too).
const ACCEPT_SMALLER: &str = "accept_smaller";

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    chrome: Chrome,
    error: Option<String>,
    /// Offer to import files refused as much smaller than expected.
    ask_smaller: bool,
}

fn page(app: &AppState, caller: &Caller, status: StatusCode, error: Option<&str>) -> Response {
    page_asking(app, caller, status, error, false)
}

fn page_asking(
    app: &AppState,
    caller: &Caller,
    status: StatusCode,
    error: Option<&str>,
    ask_smaller: bool,
) -> Response {
    view::render(
        status,
        &ImportPage {
            chrome: Chrome::new(app, caller, "Import police.uk data").with_errors(error.is_some()),
            error: error.map(str::to_owned),
            ask_smaller,
        },
    )
}

pub(crate) async fn form(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Response {
    page(&app, &caller, StatusCode::OK, None)
}

/// A file name as uploaded, without any folder a browser may add.
fn base_name(name: &str) -> String {
    name.rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .trim()
        .to_owned()
}

pub(crate) async fn upload(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let dir = tempfile::tempdir()
        .map_err(|e| WebError::Internal(format!("a temporary folder for uploads: {e}")))?;
    let mut files: Vec<(String, std::path::PathBuf)> = Vec::new();
    let mut accept_smaller = false;
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::BadRequest("The upload is too large: import fewer files at a time.".into())
        } else {
            WebError::BadRequest("The upload could not be read. Try again.".into())
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        if field.name() == Some(ACCEPT_SMALLER) {
            accept_smaller = field.text().await.map_err(unreadable)? == "yes";
            continue;
        }
        if field.name() != Some("files") {
            continue;
        }
        let Some(original) = field.file_name().map(base_name) else {
            continue;
        };
        if original.is_empty() {
            // The browser sends an empty part when no file was chosen.
            continue;
        }
        let archive = importer::is_archive(&original);
        if !archive && !importer::is_street_file_name(&original) {
            let msg = format!(
                "{original} is not named as police.uk names its files, such as 2024-03-leicestershire-street.csv, and is not a zip"
            );
            return Ok(page(
                &app,
                &caller,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&msg),
            ));
        }
        if files.iter().any(|(n, _)| *n == original) {
            let msg = format!("{original} was chosen twice");
            return Ok(page(
                &app,
                &caller,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&msg),
            ));
        }
        let path = dir.path().join(format!(
            "{}.{}",
            files.len(),
            if archive { "zip" } else { "csv" }
        ));
        let mut out = tokio::fs::File::create(&path)
            .await
            .map_err(|e| WebError::Internal(format!("saving an upload: {e}")))?;
        while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
            out.write_all(&chunk)
                .await
                .map_err(|e| WebError::Internal(format!("saving an upload: {e}")))?;
        }
        out.flush()
            .await
            .map_err(|e| WebError::Internal(format!("saving an upload: {e}")))?;
        files.push((original, path));
    }
    if files.is_empty() {
        return Ok(page(
            &app,
            &caller,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("Select the police.uk zip or one or more police.uk CSV files"),
        ));
    }
    let found = tokio::task::spawn_blocking(move || {
        let mut found = importer::Discovery::default();
        for (n, p) in &files {
            importer::add_named(&std::path::Path::new("upload").join(n), p, &mut found)?;
        }
        found.files.sort();
        Ok::<_, AppError>(found)
    })
    .await
    .map_err(|e| WebError::Internal(format!("a background task failed: {e}")))?;
    let result = match found {
        Ok(found) => {
            app.app
                .import_police_uk(
                    &caller.actor(),
                    found,
                    accept_smaller,
                    std::sync::Arc::new(|_| {}),
                )
                .await
        }
        Err(e) => Err(e),
    };
    drop(dir);
    let report = match result {
        Ok(r) => r,
        Err(e @ AppError::TooSmall(_)) => {
            let msg = format!(
                "{e}\nTick the box below and choose the files again to import them anyway."
            );
            return Ok(page_asking(
                &app,
                &caller,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&msg),
                true,
            ));
        }
        Err(e @ (AppError::Invalid(_) | AppError::Busy)) => {
            let msg = format!("Nothing was imported. {e}");
            return Ok(page(
                &app,
                &caller,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&msg),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    Ok(view::page(&report_page(
        Chrome::new(&app, &caller, "Import report"),
        &report,
    )))
}

#[derive(Template)]
#[template(path = "import_report.html")]
struct ReportPage {
    chrome: Chrome,
    files: usize,
    rows_read: String,
    rows_kept: String,
    rows_skipped: String,
    months: Table,
    repeats: Vec<String>,
    accepted_smaller: Option<String>,
    /// (file, why it was left out).
    left_out: Vec<(String, &'static str)>,
    replaced: String,
    /// (force, a warning naming its missing months, if any).
    missing: Vec<(String, Option<String>)>,
}

fn report_page(chrome: Chrome, r: &ImportReport) -> ReportPage {
    let t = view::thousands;
    let months = Table::new(
        "Files imported",
        vec![
            Heading::text("File"),
            Heading::text("Force"),
            Heading::text("Month"),
            Heading::num("Rows read"),
            Heading::num("Rows kept"),
            Heading::num("No location"),
            Heading::num("Repeated Crime IDs"),
            Heading::text("Skipped because"),
        ],
    )
    .rows(
        r.months
            .iter()
            .map(|m| {
                let why: Vec<String> = m
                    .skipped
                    .iter()
                    .map(|(reason, n)| format!("{n} {}", reason.describe()))
                    .collect();
                vec![
                    Cell::head(m.file.clone()),
                    Cell::text(m.force.clone()),
                    Cell::text(m.month.to_string()),
                    Cell::num(t(m.rows_read)),
                    Cell::num(t(m.rows_kept)),
                    Cell::num(t(m.without_location)),
                    Cell::num(t(m.repeated_crime_ids.rows)),
                    Cell::text(why.join("; ")),
                ]
            })
            .collect(),
    );
    ReportPage {
        chrome,
        files: r.files,
        rows_read: t(r.rows_read),
        rows_kept: t(r.rows_kept),
        rows_skipped: t(r.rows_skipped),
        months,
        repeats: r
            .months
            .iter()
            .filter(|m| m.repeated_crime_ids.rows > 0)
            .map(|m| {
                let rep = &m.repeated_crime_ids;
                format!(
                    "{} {}: {} repeated row(s) of {} Crime ID(s), {} identical in every field to the first",
                    m.force,
                    m.month,
                    t(rep.rows),
                    t(rep.ids),
                    t(rep.identical)
                )
            })
            .collect(),
        accepted_smaller: (!r.accepted_smaller.is_empty()).then(|| {
            format!(
                "Imported although smaller than expected, as you confirmed: {}",
                importer::describe_short(&r.accepted_smaller)
                    .lines()
                    .skip(1)
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        }),
        left_out: r
            .left_out
            .iter()
            .map(|l| (l.name.clone(), l.kind.describe()))
            .collect(),
        replaced: r.replaced.join(", "),
        missing: r
            .missing_months
            .iter()
            .map(|(force, missing)| {
                let w = (!missing.is_empty()).then(|| {
                    let list: Vec<String> = missing.iter().map(ToString::to_string).collect();
                    format!(
                        "{force}: {} month(s) missing in the span held: {}.",
                        missing.len(),
                        list.join(", ")
                    )
                });
                (force.clone(), w)
            })
            .collect(),
    }
}
