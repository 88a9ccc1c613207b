//! Administration: `/admin/audit` (the latest entries and the chain check),
//! `/admin/audit.csv` (the whole log) and `/admin/users`. Every view and
//! export here is itself audited (the route table marks them personal data).

use axum::Extension;
use axum::extract::State;
use axum::response::Response;

use askama::Template;

use crate::auth::Caller;
use crate::pages::download;
use crate::view::{self, Cell, Chrome, Heading, Table};
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
    let log = Table::new(
        format!("The latest {} entries, newest first", entries.len()),
        vec![
            Heading::num("Entry"),
            Heading::text("When (UTC)"),
            Heading::text("Who"),
            Heading::text("Agency"),
            Heading::text("Action"),
            Heading::text("What"),
            Heading::text("Detail"),
            Heading::text("From"),
        ],
    )
    .rows(
        entries
            .iter()
            .map(|e| {
                vec![
                    Cell::num(e.id.to_string()),
                    Cell::text(e.at.clone()),
                    Cell::text(e.actor.clone()),
                    Cell::text(e.agency.clone()),
                    Cell::text(e.action.clone()),
                    Cell::Code(e.target.clone()),
                    Cell::text(e.detail.clone()),
                    Cell::text(e.source.clone()),
                ]
            })
            .collect(),
    );
    Ok(view::page(&AuditPage {
        chrome: Chrome::new(&app, &caller, "Audit log"),
        entries: v.entries,
        first_broken: v.first_broken,
        log,
    }))
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    chrome: Chrome,
    entries: u64,
    first_broken: Option<i64>,
    log: Table,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    chrome: Chrome,
    tables: Vec<Table>,
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
    let mut tables = vec![
        Table::new(
            "Users",
            vec![
                Heading::text("Username"),
                Heading::text("Name"),
                Heading::text("Agency"),
                Heading::text("Roles"),
                Heading::text("Account"),
            ],
        )
        .rows(
            users
                .iter()
                .map(|u| {
                    let roles: Vec<&str> = u.roles.iter().map(|r| r.label()).collect();
                    vec![
                        Cell::head(u.username.clone()),
                        Cell::text(u.display_name.clone()),
                        Cell::text(u.agency.name.clone()),
                        Cell::text(roles.join(", ")),
                        Cell::text(if u.active { "Active" } else { "Disabled" }),
                    ]
                })
                .collect(),
        ),
        Table::new(
            "Agencies",
            vec![
                Heading::text("Agency"),
                Heading::text("Responsible authority"),
            ],
        )
        .rows(
            agencies
                .iter()
                .map(|a| {
                    vec![
                        Cell::head(a.name.clone()),
                        Cell::text(if a.statutory { "Yes" } else { "No" }),
                    ]
                })
                .collect(),
        ),
    ];
    if !tokens.is_empty() {
        tables.push(
            Table::new(
                "API tokens",
                vec![
                    Heading::text("Token"),
                    Heading::text("User"),
                    Heading::text("Scopes"),
                    Heading::text("State"),
                ],
            )
            .rows(
                tokens
                    .iter()
                    .map(|t| {
                        let owner = users
                            .iter()
                            .find(|u| u.id == t.user_id)
                            .map_or_else(|| t.user_id.to_string(), |u| u.username.clone());
                        vec![
                            Cell::head(t.name.clone()),
                            Cell::text(owner),
                            Cell::text(t.scopes.join(" ")),
                            Cell::text(if t.revoked { "Revoked" } else { "Live" }),
                        ]
                    })
                    .collect(),
            ),
        );
    }
    Ok(view::page(&UsersPage {
        chrome: Chrome::new(&app, &caller, "Users"),
        tables,
    }))
}
