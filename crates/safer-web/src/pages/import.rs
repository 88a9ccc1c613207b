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

use crate::auth::Caller;
use crate::html::{self, esc};
use crate::{AppState, WebError};

/// The largest upload accepted: a year of a large force's files.
pub(crate) const MAX_UPLOAD: usize = 1024 * 1024 * 1024;

/// The checkbox that accepts files smaller than expected.
const ACCEPT_SMALLER: &str = "accept_smaller";

fn form_html(caller: &Caller, error: Option<&str>, ask_smaller: bool) -> String {
    let (class, msg, described) = match error {
        Some(m) => (
            " govuk-form-group--error",
            format!(
                "<p id=\"files-error\" class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:</span> {}</p>",
                esc(m)
            ),
            " files-error",
        ),
        None => ("", String::new(), ""),
    };
    format!(
        "<form method=\"post\" action=\"/import\" enctype=\"multipart/form-data\" novalidate>{}
<div class=\"govuk-form-group{class}\"><label class=\"govuk-label govuk-label--m\" for=\"files\">police.uk street-level files</label>
<div id=\"files-hint\" class=\"govuk-hint\">The zip police.uk gives as its download, or CSV files named as police.uk names them, such as 2024-03-leicestershire-street.csv. You can choose several. A month already held is replaced. Outcomes and stop and search files are left out and listed.</div>
{msg}<input class=\"govuk-file-upload\" id=\"files\" name=\"files\" type=\"file\" multiple accept=\".csv,text/csv,.zip,application/zip\" aria-describedby=\"files-hint{described}\"></div>
{}<button type=\"submit\" class=\"govuk-button\">Import</button>
</form>
",
        html::csrf_field(caller),
        if ask_smaller { accept_smaller_html() } else { String::new() }
    )
}

/// The confirmation shown when files were refused as much smaller than
/// expected.
fn accept_smaller_html() -> String {
    format!(
        "<div class=\"govuk-form-group\"><div class=\"govuk-checkboxes\" data-module=\"govuk-checkboxes\"><div class=\"govuk-checkboxes__item\"><input class=\"govuk-checkboxes__input\" id=\"{ACCEPT_SMALLER}\" name=\"{ACCEPT_SMALLER}\" type=\"checkbox\" value=\"yes\" aria-describedby=\"{ACCEPT_SMALLER}-hint\"><label class=\"govuk-label govuk-checkboxes__label\" for=\"{ACCEPT_SMALLER}\">Import these files even though they are smaller than expected</label><div id=\"{ACCEPT_SMALLER}-hint\" class=\"govuk-hint govuk-checkboxes__hint\">Only if you have checked them: a file cut short replaces a whole month with part of one. Choose the files again.</div></div></div></div>\n"
    )
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
    let mut b = String::new();
    if let Some(e) = error {
        b.push_str(&html::error_summary(&[("files", e)]));
    }
    b.push_str("<h1 class=\"govuk-heading-xl\">Import police.uk data</h1>\n<p class=\"govuk-body\">An import is all or nothing: if any file is not right, nothing is kept and the data held stays exactly as it was.</p>\n");
    b.push_str(&form_html(caller, error, ask_smaller));
    html::html_response(
        status,
        html::document(app, caller, "Import police.uk data", &b, error.is_some()),
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
    Ok(html::page(
        &app,
        &caller,
        "Import report",
        &report_html(&report),
    ))
}

fn report_html(r: &ImportReport) -> String {
    let mut b = format!(
        "<div class=\"govuk-panel govuk-panel--confirmation\"><h1 class=\"govuk-panel__title\">Import complete</h1><div class=\"govuk-panel__body\">{} file(s): {} rows read, {} kept, {} skipped</div></div>\n",
        r.files,
        html::thousands(r.rows_read),
        html::thousands(r.rows_kept),
        html::thousands(r.rows_skipped)
    );
    let rows: Vec<Vec<String>> = r
        .months
        .iter()
        .map(|m| {
            let why: Vec<String> = m
                .skipped
                .iter()
                .map(|(reason, n)| format!("{n} {}", reason.describe()))
                .collect();
            vec![
                html::row_header(esc(&m.file)),
                esc(&m.force),
                esc(&m.month.to_string()),
                html::num(html::thousands(m.rows_read)),
                html::num(html::thousands(m.rows_kept)),
                html::num(html::thousands(m.without_location)),
                html::num(html::thousands(m.repeated_crime_ids.rows)),
                esc(&why.join("; ")),
            ]
        })
        .collect();
    b.push_str(&html::table(
        "Files imported",
        &[
            "File",
            "Force",
            "Month",
            "=Rows read",
            "=Rows kept",
            "=No location",
            "=Repeated Crime IDs",
            "Skipped because",
        ],
        &rows,
    ));
    let repeats: Vec<&importer::MonthReport> = r
        .months
        .iter()
        .filter(|m| m.repeated_crime_ids.rows > 0)
        .collect();
    if !repeats.is_empty() {
        b.push_str("<h2 class=\"govuk-heading-m\">Repeated Crime IDs</h2>\n<p class=\"govuk-body\">Some rows give a Crime ID an earlier row of the same file has. police.uk counts every row, and so does Safer: they are all kept. Rows that differ from the first are often in another place or district.</p>\n<ul class=\"govuk-list govuk-list--bullet\">");
        for m in repeats {
            let rep = &m.repeated_crime_ids;
            b.push_str(&format!(
                "<li>{} {}: {} repeated row(s) of {} Crime ID(s), {} identical in every field to the first</li>",
                esc(&m.force),
                esc(&m.month.to_string()),
                html::thousands(rep.rows),
                html::thousands(rep.ids),
                html::thousands(rep.identical)
            ));
        }
        b.push_str("</ul>\n");
    }
    if !r.accepted_smaller.is_empty() {
        b.push_str(&html::warning(&format!(
            "Imported although smaller than expected, as you confirmed: {}",
            importer::describe_short(&r.accepted_smaller)
                .lines()
                .skip(1)
                .map(str::trim)
                .collect::<Vec<_>>()
                .join("; ")
        )));
    }
    if !r.left_out.is_empty() {
        b.push_str("<h2 class=\"govuk-heading-m\">Files left out</h2>\n<p class=\"govuk-body\">These files are not police.uk street-level files, so they were not imported.</p>\n<ul class=\"govuk-list govuk-list--bullet\">");
        for l in &r.left_out {
            b.push_str(&format!(
                "<li>{}: {}</li>",
                esc(&l.name),
                esc(l.kind.describe())
            ));
        }
        b.push_str("</ul>\n");
    }
    if !r.replaced.is_empty() {
        b.push_str(&format!(
            "<p class=\"govuk-body\">Replaced force-months already held: {}.</p>\n",
            esc(&r.replaced.join(", "))
        ));
    }
    for (force, missing) in &r.missing_months {
        if missing.is_empty() {
            b.push_str(&format!(
                "<p class=\"govuk-body\">{}: no months missing in the span held.</p>\n",
                esc(force)
            ));
        } else {
            let list: Vec<String> = missing.iter().map(ToString::to_string).collect();
            b.push_str(&html::warning(&format!(
                "{force}: {} month(s) missing in the span held: {}.",
                missing.len(),
                list.join(", ")
            )));
        }
    }
    b.push_str("<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/assessment\">Go to the assessment</a> or <a class=\"govuk-link\" href=\"/import\">import more files</a>.</p>\n");
    b
}
