//! Administration: `/admin/audit` (the latest entries and the chain check),
//! `/admin/audit.csv` (the whole log) and `/admin/users`. Every view and
//! export here is itself audited (the route table marks them personal data).

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use safer_domain::Role;

use askama::Template;

use crate::auth::Caller;
use crate::pages::download;
use crate::view::{self, Cell, Choice, Chrome, Errors, Heading, Table};
use crate::{AppState, WebError, http};

/// How many entries a page of the log shows.
const PAGE_ENTRIES: i64 = 100;
/// The most entries one CSV export holds.
const CSV_ENTRIES: i64 = 10_000_000;

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct AuditQuery {
    who: String,
    what: String,
    from: String,
    until: String,
    text: String,
    page: Option<u32>,
}

/// The actions the log records, for the search's choice.
const ACTIONS: [&str; 29] = [
    "sign_in",
    "sign_in_failed",
    "sign_in_locked",
    "account_locked",
    "sign_in_throttled",
    "sign_out",
    "access_denied",
    "csrf_rejected",
    "view",
    "export",
    "add_agency",
    "add_user",
    "reset_password",
    "disable_user",
    "enable_user",
    "unlock_user",
    "create_api_token",
    "revoke_api_token",
    "import_police_uk",
    "import_police_uk_failed",
    "import_partnership",
    "import_plan",
    "record_value",
    "add_action",
    "edit_action",
    "update_action",
    "set_allocation",
    "add_project",
    "record_spend",
];

pub(crate) async fn audit(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<AuditQuery>,
) -> Result<Response, WebError> {
    let actor = caller.actor();
    let v = app.app.verify_audit(&actor).await?;
    let filter = safer_app::AuditFilter {
        actor: q.who.trim().to_owned(),
        action: q.what.trim().to_owned(),
        from: q.from.trim().to_owned(),
        until: q.until.trim().to_owned(),
        text: q.text.trim().to_owned(),
    };
    let page = i64::from(q.page.unwrap_or(1).max(1));
    let offset = (page - 1) * PAGE_ENTRIES;
    let (entries, total) = app
        .app
        .audit_search(&actor, &filter, PAGE_ENTRIES, offset)
        .await?;
    let link = |p: i64| {
        format!(
            "/admin/audit?who={}&what={}&from={}&until={}&text={}&page={p}",
            http::url_encode(&filter.actor),
            http::url_encode(&filter.action),
            http::url_encode(&filter.from),
            http::url_encode(&filter.until),
            http::url_encode(&filter.text)
        )
    };
    let shown = if entries.is_empty() {
        "No entry matches.".to_owned()
    } else {
        format!(
            "Entries {} to {} of the {total} that match, newest first.",
            offset + 1,
            offset + entries.len() as i64
        )
    };
    let log = Table::new(
        "The entries",
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
    .quiet()
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
    let mut actions = vec![Choice::new("", "Anything")];
    actions.extend(ACTIONS.iter().map(|a| Choice::new(*a, *a)));
    Ok(view::page(&AuditPage {
        chrome: Chrome::new(&app, &caller, "Audit log"),
        entries: v.entries,
        first_broken: v.first_broken,
        actions,
        shown,
        previous: (page > 1).then(|| link(page - 1)),
        next: (offset + PAGE_ENTRIES < total).then(|| link(page + 1)),
        filter,
        log,
    }))
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    chrome: Chrome,
    entries: u64,
    first_broken: Option<i64>,
    filter: safer_app::AuditFilter,
    actions: Vec<Choice>,
    shown: String,
    log: Table,
    previous: Option<String>,
    next: Option<String>,
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

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    chrome: Chrome,
    saved: Option<String>,
    errors: Errors,
    users: Vec<UserRow>,
    agencies: Vec<Choice>,
    roles: Vec<Choice>,
    user_form: UserForm,
    agency_table: Table,
    agency_name: String,
    statutory: Vec<Choice>,
    tokens: Vec<TokenRow>,
    user_choices: Vec<Choice>,
    scopes: Vec<Choice>,
    token_form: TokenForm,
    no_choice: Vec<String>,
    no_error: Option<&'static str>,
}

struct UserRow {
    username: String,
    name: String,
    agency: String,
    roles: String,
    state: &'static str,
    active: bool,
    locked: bool,
    disable_href: String,
    enable_href: String,
    unlock_href: String,
    reset_href: String,
}

struct TokenRow {
    name: String,
    user: String,
    scopes: String,
    state: &'static str,
    live: bool,
    revoke_href: String,
}

/// A new user as typed.
#[derive(Debug, Clone, Default)]
pub(crate) struct UserForm {
    username: String,
    name: String,
    agency: String,
    roles: Vec<String>,
}

/// A new API token as typed.
#[derive(Debug, Clone, Default)]
pub(crate) struct TokenForm {
    token_user: String,
    token_name: String,
    scopes: Vec<String>,
    days: String,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct UsersQuery {
    saved: Option<String>,
}

/// What each banner says.
fn saved_text(key: &str) -> Option<String> {
    let (what, name) = key.split_once(':').unwrap_or((key, ""));
    Some(match what {
        "disabled" => format!(
            "{name} is disabled: their sessions have ended and their API tokens stop working."
        ),
        "enabled" => format!("{name} is enabled."),
        "unlocked" => format!("{name} is unlocked."),
        "agency" => "The agency is added.".to_owned(),
        "revoked" => "The API token is revoked.".to_owned(),
        _ => return None,
    })
}

async fn users_page(
    app: &AppState,
    caller: &Caller,
    saved: Option<String>,
    user_form: UserForm,
    token_form: TokenForm,
    agency_name: String,
    errors: Vec<(&'static str, String)>,
) -> Result<Response, WebError> {
    let actor = caller.actor();
    let users = app.app.users(&actor).await?;
    let agencies = app.app.agencies().await?;
    let tokens = app.app.tokens(&actor).await?;
    let locked = app.app.locked_users(&actor).await?;
    let href = |u: &str, what: &str| format!("/admin/users/{}/{what}", http::url_encode(u));
    let rows = users
        .iter()
        .map(|u| {
            let is_locked = locked.contains(&u.id);
            UserRow {
                username: u.username.clone(),
                name: u.display_name.clone(),
                agency: u.agency.name.clone(),
                roles: u
                    .roles
                    .iter()
                    .map(|r| r.label())
                    .collect::<Vec<_>>()
                    .join(", "),
                state: match (u.active, is_locked) {
                    (false, _) => "Disabled",
                    (true, true) => "Locked",
                    (true, false) => "Active",
                },
                active: u.active,
                locked: is_locked,
                disable_href: href(&u.username, "disable"),
                enable_href: href(&u.username, "enable"),
                unlock_href: href(&u.username, "unlock"),
                reset_href: href(&u.username, "reset"),
            }
        })
        .collect();
    let agency_table = Table::new(
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
    );
    let token_rows = tokens
        .iter()
        .map(|t| TokenRow {
            name: t.name.clone(),
            user: users
                .iter()
                .find(|u| u.id == t.user_id)
                .map_or_else(|| t.user_id.to_string(), |u| u.username.clone()),
            scopes: t.scopes.join(" "),
            state: if t.revoked { "Revoked" } else { "Live" },
            live: !t.revoked,
            revoke_href: format!("/admin/tokens/{}/revoke", t.id),
        })
        .collect();
    let has_errors = !errors.is_empty();
    let status = if has_errors {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut agency_choices = vec![Choice::new("", "Choose the agency")];
    agency_choices.extend(
        agencies
            .iter()
            .map(|a| Choice::new(a.name.clone(), a.name.clone())),
    );
    let mut user_choices = vec![Choice::new("", "Choose the user")];
    user_choices.extend(
        users
            .iter()
            .map(|u| Choice::new(u.username.clone(), u.username.clone())),
    );
    let mut token_form = token_form;
    if token_form.days.is_empty() {
        token_form.days = "90".into();
    }
    Ok(view::render(
        status,
        &UsersPage {
            chrome: Chrome::new(app, caller, "Users").with_errors(has_errors),
            saved,
            errors: Errors(errors),
            users: rows,
            agencies: agency_choices,
            roles: Role::ALL
                .iter()
                .map(|r| Choice::new(r.as_str(), r.label()))
                .collect(),
            user_form,
            agency_table,
            agency_name,
            statutory: vec![Choice::new(
                "yes",
                "A responsible authority (Crime and Disorder Act 1998, section 5)",
            )],
            tokens: token_rows,
            user_choices,
            scopes: vec![
                Choice::new("read", "read: the figures, plans and actions"),
                Choice::new("write", "write: record progress and values"),
            ],
            token_form,
            no_choice: Vec::new(),
            no_error: None,
        },
    ))
}

pub(crate) async fn users(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<UsersQuery>,
) -> Result<Response, WebError> {
    let saved = q.saved.as_deref().and_then(saved_text);
    users_page(
        &app,
        &caller,
        saved,
        UserForm::default(),
        TokenForm::default(),
        String::new(),
        Vec::new(),
    )
    .await
}

#[derive(Template)]
#[template(path = "admin_secret.html")]
struct SecretPage {
    chrome: Chrome,
    heading: String,
    what: String,
    whom: String,
    secret: String,
}

fn secret_page(
    app: &AppState,
    caller: &Caller,
    heading: String,
    what: String,
    whom: String,
    secret: String,
) -> Response {
    let mut resp = view::page(&SecretPage {
        chrome: Chrome::new(app, caller, heading.clone()),
        heading,
        what,
        whom,
        secret,
    });
    // A page with a secret on it is never kept.
    resp.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    resp
}

/// POST /admin/users: adds a user, shows their password once.
pub(crate) async fn add_user(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    let p = http::Fields::parse(&body);
    let form = UserForm {
        username: p.one("username"),
        name: p.one("name"),
        agency: p.one("agency"),
        roles: p.all("roles"),
    };
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    if let Err(why) = safer_domain::check_username(&form.username) {
        errors.push(("username", format!("The username is refused: {why}")));
    }
    if form.name.is_empty() {
        errors.push(("name", "Enter the user's name".into()));
    }
    if form.agency.is_empty() {
        errors.push(("agency", "Select the user's agency".into()));
    }
    let roles: Vec<Role> = form.roles.iter().filter_map(|r| Role::parse(r)).collect();
    if roles.is_empty() || roles.len() != form.roles.len() {
        errors.push(("roles", "Select at least one role".into()));
    }
    if !errors.is_empty() {
        return users_page(
            &app,
            &caller,
            None,
            form,
            TokenForm::default(),
            String::new(),
            errors,
        )
        .await;
    }
    let password = safer_app::generate_password();
    match app
        .app
        .add_user(
            &caller.actor(),
            &form.username,
            &form.name,
            &form.agency,
            &roles,
            &password,
        )
        .await
    {
        Ok(_) => Ok(secret_page(
            &app,
            &caller,
            format!("{} is added", form.username),
            "Their password".into(),
            form.name.clone(),
            password,
        )),
        Err(safer_app::AppError::Invalid(m) | safer_app::AppError::Conflict(m)) => {
            users_page(
                &app,
                &caller,
                None,
                form,
                TokenForm::default(),
                String::new(),
                vec![("username", m)],
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /admin/users/{username}/{what}: disable, enable, unlock, reset.
pub(crate) async fn change_user(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    axum::extract::Path((username, what)): axum::extract::Path<(String, String)>,
) -> Result<Response, WebError> {
    let actor = caller.actor();
    let saved = match what.as_str() {
        "disable" => {
            app.app.disable_user(&actor, &username).await?;
            "disabled"
        }
        "enable" => {
            app.app.enable_user(&actor, &username).await?;
            "enabled"
        }
        "unlock" => {
            app.app.unlock_user(&actor, &username).await?;
            "unlocked"
        }
        "reset" => {
            let user = app.app.user_named(&username).await?;
            let password = safer_app::generate_password();
            app.app.reset_password(&actor, &username, &password).await?;
            return Ok(secret_page(
                &app,
                &caller,
                format!("A new password for {username}"),
                "Their sessions have ended, their API tokens are revoked, and the account is unlocked.".into(),
                user.display_name,
                password,
            ));
        }
        _ => {
            return Err(WebError::NotFound(
                "There is nothing at this address.".into(),
            ));
        }
    };
    Ok(http::redirect(&format!(
        "/admin/users?saved={saved}:{}",
        http::url_encode(&username)
    )))
}

/// POST /admin/agencies
pub(crate) async fn add_agency(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    let p = http::Fields::parse(&body);
    let name = p.one("agency_name");
    let statutory = p.one("statutory") == "yes";
    let refuse = |m: String| (vec![("agency_name", m)], name.clone());
    let (errors, kept) = if name.is_empty() {
        refuse("Enter the agency's name".into())
    } else {
        match app.app.add_agency(&caller.actor(), &name, statutory).await {
            Ok(_) => return Ok(http::redirect("/admin/users?saved=agency")),
            Err(safer_app::AppError::Invalid(m) | safer_app::AppError::Conflict(m)) => refuse(m),
            Err(e) => return Err(e.into()),
        }
    };
    users_page(
        &app,
        &caller,
        None,
        UserForm::default(),
        TokenForm::default(),
        kept,
        errors,
    )
    .await
}

/// POST /admin/tokens: makes a token, shows its secret once.
pub(crate) async fn create_token(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    let p = http::Fields::parse(&body);
    let form = TokenForm {
        token_user: p.one("token_user"),
        token_name: p.one("token_name"),
        scopes: p.all("scopes"),
        days: p.one("days"),
    };
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    if form.token_user.is_empty() {
        errors.push(("token_user", "Select the user the token acts as".into()));
    }
    if form.token_name.is_empty() {
        errors.push(("token_name", "Say what the token is for".into()));
    }
    if form.scopes.is_empty() || form.scopes.iter().any(|s| s != "read" && s != "write") {
        errors.push(("scopes", "Select read, write or both".into()));
    }
    let days = form
        .days
        .parse::<i64>()
        .ok()
        .filter(|d| (1..=3650).contains(d));
    if days.is_none() {
        errors.push(("days", "Enter the days it lives, from 1 to 3,650".into()));
    }
    let (Some(days), true) = (days, errors.is_empty()) else {
        return users_page(
            &app,
            &caller,
            None,
            UserForm::default(),
            form,
            String::new(),
            errors,
        )
        .await;
    };
    match app
        .app
        .create_token(
            &caller.actor(),
            &form.token_user,
            &form.token_name,
            &form.scopes,
            days,
        )
        .await
    {
        Ok((_, secret)) => Ok(secret_page(
            &app,
            &caller,
            format!("A token for {}", form.token_user),
            format!(
                "{}: {} for {days} days",
                form.token_name,
                form.scopes.join(" ")
            ),
            "the program that uses it".into(),
            secret,
        )),
        Err(safer_app::AppError::NotFound(m) | safer_app::AppError::Invalid(m)) => {
            users_page(
                &app,
                &caller,
                None,
                UserForm::default(),
                form,
                String::new(),
                vec![("token_user", m)],
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /admin/tokens/{id}/revoke
pub(crate) async fn revoke_token(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Response, WebError> {
    let id: safer_domain::TokenId = crate::pages::id_of(&id)?;
    app.app.revoke_token(&caller.actor(), id).await?;
    Ok(http::redirect("/admin/users?saved=revoked"))
}

/// How many entries the access report shows.
const ACCESS_REPORT_ENTRIES: i64 = 1000;

#[derive(Template)]
#[template(path = "admin_access.html")]
struct AccessReportPage {
    chrome: Chrome,
    agency: String,
    table: Table,
}

/// GET /admin/access: who of the administrator's agency read which case
/// records.
pub(crate) async fn access_report(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, WebError> {
    let (agency, rows) = app
        .app
        .access_report(&caller.actor(), ACCESS_REPORT_ENTRIES)
        .await?;
    let table = Table::new(
        format!("Reads of case records by {agency}"),
        vec![
            Heading::text("When"),
            Heading::text("Who"),
            Heading::text("What"),
            Heading::text("Record"),
            Heading::text("Detail"),
        ],
    )
    .quiet()
    .rows(
        rows.iter()
            .map(|e| {
                vec![
                    Cell::text(e.at.get(..16).unwrap_or(&e.at).replace('T', " ")),
                    Cell::text(&e.actor),
                    Cell::Code(e.action.clone()),
                    Cell::text(&e.target),
                    Cell::text(&e.detail),
                ]
            })
            .collect(),
    );
    Ok(view::page(&AccessReportPage {
        chrome: Chrome::new(&app, &caller, "Access report"),
        agency,
        table,
    }))
}
