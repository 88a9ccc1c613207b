//! Administration: `/admin/audit` (the latest entries and the chain check),
//! `/admin/audit.csv` (the whole log) and `/admin/users`. Every view and
//! export here is itself audited (the route table marks them personal data).

use axum::Extension;
use axum::extract::State;
use axum::response::Response;

use crate::auth::Caller;
use crate::html::{self, esc};
use crate::pages::download;
use crate::{AppState, WebError};

/// How many entries the page shows.
const PAGE_ENTRIES: i64 = 200;
/// The most entries one CSV export holds.
const CSV_ENTRIES: i64 = 10_000_000;

pub(crate) async fn audit(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, WebError> {
    let actor = caller.actor();
    let v = app.app.verify_audit(&actor).await?;
    let entries = app.app.audit_log(&actor, PAGE_ENTRIES).await?;
    let mut b = String::from("<h1 class=\"govuk-heading-xl\">Audit log</h1>\n");
    match v.first_broken {
        None => b.push_str(&format!(
            "<div class=\"govuk-inset-text safer-ok\"><strong>The chain is intact.</strong> All {} entries follow from the ones before them: none has been changed, removed or reordered.</div>\n",
            v.entries
        )),
        Some(id) => b.push_str(&html::warning(&format!(
            "The chain is broken at entry {id}: that entry, or one before it, has been changed, removed or reordered since it was written. Keep a copy of the database and report it."
        ))),
    }
    b.push_str("<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/admin/audit.csv\">Download the whole log as CSV</a></p>\n");
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                html::num(e.id),
                esc(&e.at),
                esc(&e.actor),
                esc(&e.agency),
                esc(&e.action),
                format!("<code>{}</code>", esc(&e.target)),
                esc(&e.detail),
                esc(&e.source),
            ]
        })
        .collect();
    b.push_str(&html::table(
        &format!("The latest {} entries, newest first", entries.len()),
        &[
            "=Entry",
            "When (UTC)",
            "Who",
            "Agency",
            "Action",
            "What",
            "Detail",
            "From",
        ],
        &rows,
    ));
    Ok(html::page(&app, &caller, "Audit log", &b))
}

pub(crate) async fn audit_csv(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, WebError> {
    let entries = app
        .app
        .export_audit_log(&caller.actor(), CSV_ENTRIES)
        .await?;
    let csv = safer_app::audit_log_csv(&entries)?;
    Ok(download(
        csv.into_bytes(),
        "text/csv; charset=utf-8",
        "audit-log.csv",
    ))
}

pub(crate) async fn users(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, WebError> {
    let actor = caller.actor();
    let users = app.app.users(&actor).await?;
    let agencies = app.app.agencies().await?;
    let tokens = app.app.tokens(&actor).await?;
    let mut b = String::from(
        "<h1 class=\"govuk-heading-xl\">Users</h1>\n<p class=\"govuk-body\">Users, agencies and API tokens are managed with <code>safer user</code> on the server.</p>\n",
    );
    let rows: Vec<Vec<String>> = users
        .iter()
        .map(|u| {
            let roles: Vec<&str> = u.roles.iter().map(|r| r.label()).collect();
            vec![
                html::row_header(esc(&u.username)),
                esc(&u.display_name),
                esc(&u.agency.name),
                esc(&roles.join(", ")),
                if u.active { "Active" } else { "Disabled" }.to_owned(),
            ]
        })
        .collect();
    b.push_str(&html::table(
        "Users",
        &["Username", "Name", "Agency", "Roles", "Account"],
        &rows,
    ));
    let rows: Vec<Vec<String>> = agencies
        .iter()
        .map(|a| {
            vec![
                html::row_header(esc(&a.name)),
                if a.statutory { "Yes" } else { "No" }.to_owned(),
            ]
        })
        .collect();
    b.push_str(&html::table(
        "Agencies",
        &["Agency", "Responsible authority"],
        &rows,
    ));
    let rows: Vec<Vec<String>> = tokens
        .iter()
        .map(|t| {
            let owner = users
                .iter()
                .find(|u| u.id == t.user_id)
                .map_or_else(|| t.user_id.to_string(), |u| u.username.clone());
            vec![
                html::row_header(esc(&t.name)),
                esc(&owner),
                esc(&t.scopes.join(" ")),
                if t.revoked { "Revoked" } else { "Live" }.to_owned(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        b.push_str(&html::table(
            "API tokens",
            &["Token", "User", "Scopes", "State"],
            &rows,
        ));
    }
    Ok(html::page(&app, &caller, "Users", &b))
}
