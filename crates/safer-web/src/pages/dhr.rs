//! Domestic Homicide Reviews: the reviews the reader sits on the panel of,
//! the notification form, and a review with its stage, clocks, agencies'
//! reports and learning action plan.

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use safer_app::AppError;
use safer_app::dhr::{DHR_COMMISSIONERS, DhrChange, DhrFile, DhrStep, NewDhr};
use safer_domain::casework::dhr::DhrDecision;
use safer_domain::{AgencyId, Date, DhrId};

use crate::auth::Caller;
use crate::http::Fields;
use crate::pages::cases::DoneQuery;
use crate::pages::id_of;
use crate::pages::trigger::clock_cell;
use crate::view::{self, Cell, Choice, Chrome, Errors, Heading, Table};
use crate::{AppState, WebError, http};

#[derive(Template)]
#[template(path = "dhrs.html")]
struct ListPage {
    chrome: Chrome,
    may_notify: bool,
    table: Table,
}

/// GET /dhrs
pub(crate) async fn index(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, WebError> {
    let list = app.app.dhrs(&caller.actor()).await?;
    let table = Table::new(
        "Reviews",
        vec![
            Heading::text("Reference"),
            Heading::text("Notified"),
            Heading::text("Stage"),
        ],
    )
    .rows(
        list.iter()
            .map(|d| {
                vec![
                    Cell::HeadLink {
                        href: format!("/dhrs/{}", d.id),
                        text: format!("{} ({})", d.reference, d.new.pseudonym),
                    },
                    Cell::text(d.new.notified_on.to_string()),
                    Cell::text(d.days.stage().label()),
                ]
            })
            .collect(),
    );
    Ok(view::page(&ListPage {
        chrome: Chrome::new(&app, &caller, "Domestic Homicide Reviews"),
        may_notify: caller
            .user
            .as_ref()
            .is_some_and(|u| u.has_any(DHR_COMMISSIONERS)),
        table,
    }))
}

#[derive(Default)]
struct NewForm {
    pseudonym: String,
    age: String,
    died_on: String,
    notified_on: String,
    notified_by: String,
    circumstances: String,
    chair: String,
    panel: String,
}

#[derive(Template)]
#[template(path = "dhr_new.html")]
struct NewPage {
    chrome: Chrome,
    errors: Errors,
    form: NewForm,
    decision_months: u32,
}

fn new_page(
    app: &AppState,
    caller: &Caller,
    form: NewForm,
    errors: Vec<(&'static str, String)>,
) -> NewPage {
    NewPage {
        chrome: Chrome::new(app, caller, "Record a notification").with_errors(!errors.is_empty()),
        errors: Errors(errors),
        form,
        decision_months: app.app.casework().dhr.decision.months,
    }
}

/// GET /dhrs/new
pub(crate) async fn new_form(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Response {
    let form = NewForm {
        notified_on: app.app.today().to_string(),
        ..NewForm::default()
    };
    view::page(&new_page(&app, &caller, form, vec![]))
}

/// POST /dhrs/new
pub(crate) async fn notify(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, WebError> {
    let f = Fields::parse(&body);
    let form = NewForm {
        pseudonym: f.one("pseudonym"),
        age: f.one("age"),
        died_on: f.one("died_on"),
        notified_on: f.one("notified_on"),
        notified_by: f.one("notified_by"),
        circumstances: f.one("circumstances"),
        chair: f.one("chair"),
        panel: f.one("panel"),
    };
    let mut errors = Vec::new();
    let age = if form.age.is_empty() {
        None
    } else {
        match form.age.parse::<u8>() {
            Ok(a) => Some(a),
            Err(_) => {
                errors.push(("age", "Enter the age as a whole number.".to_owned()));
                None
            }
        }
    };
    let died_on = crate::pages::cases::date_field(&form.died_on, &mut errors, "died_on");
    let notified_on =
        crate::pages::cases::date_field(&form.notified_on, &mut errors, "notified_on");
    if notified_on.is_none() && errors.is_empty() {
        errors.push((
            "notified_on",
            "Enter the day of the notification as YYYY-MM-DD.".into(),
        ));
    }
    if !errors.is_empty() {
        return Ok(view::render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &new_page(&app, &caller, form, errors),
        ));
    }
    let d = NewDhr {
        pseudonym: form.pseudonym.clone(),
        age,
        died_on,
        circumstances: form.circumstances.clone(),
        notified_on: notified_on.unwrap_or_else(|| app.app.today()),
        notified_by: form.notified_by.clone(),
        chair: form.chair.clone(),
    };
    let panel: Vec<String> = form.panel.lines().map(str::to_owned).collect();
    match app.app.notify_dhr(&caller.actor(), &d, &panel).await {
        Ok(id) => Ok(http::redirect(&format!("/dhrs/{id}?done=notified"))),
        Err(AppError::Invalid(m)) => {
            let field = if m.contains("16") {
                "age"
            } else if m.contains("pseudonym") {
                "pseudonym"
            } else if m.contains("panel") || m.contains("user") {
                "panel"
            } else {
                "notified_by"
            };
            Ok(view::render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &new_page(&app, &caller, form, vec![(field, m)]),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "dhr.html")]
struct ReviewPage {
    chrome: Chrome,
    errors: Errors,
    done: Option<&'static str>,
    id: DhrId,
    reference: String,
    pseudonym: String,
    stage: &'static str,
    summary: Vec<(&'static str, String)>,
    clocks: Table,
    reports: Table,
    actions: Table,
    stages: Vec<Choice>,
    changes: Vec<Choice>,
    agencies: Vec<Choice>,
}

fn review_page(
    app: &AppState,
    caller: &Caller,
    file: DhrFile,
    done: Option<&'static str>,
    errors: Vec<(&'static str, String)>,
) -> ReviewPage {
    let d = &file.stored;
    let name = |a: AgencyId| {
        file.agencies
            .iter()
            .find(|(id, _)| *id == a)
            .map_or_else(|| format!("Agency {a}"), |(_, n)| n.clone())
    };
    let opt = |x: Option<Date>| x.map_or_else(|| "–".to_owned(), |d| d.to_string());
    let summary = vec![
        (
            "Age",
            d.new
                .age
                .map_or_else(|| "Not known".into(), |a| a.to_string()),
        ),
        ("Died", opt(d.new.died_on)),
        (
            "Notified",
            format!("{} by {}", d.new.notified_on, d.new.notified_by),
        ),
        ("Circumstances", d.new.circumstances.clone()),
        (
            "Decision",
            match d.days.decision {
                Some(DhrDecision::Review) => format!("Review, {}", opt(d.days.decided_on)),
                Some(DhrDecision::NoReview) => format!("No review, {}", opt(d.days.decided_on)),
                None => "Not yet made".into(),
            },
        ),
        ("Reasons", d.decision_note.clone().unwrap_or_default()),
        ("Home Office told", opt(d.days.home_office_informed_on)),
        (
            "Independent chair",
            if d.new.chair.is_empty() {
                "Not yet appointed".into()
            } else {
                d.new.chair.clone()
            },
        ),
        ("Days adjourned", d.days.adjourned_days.to_string()),
        ("Sent for quality assurance", opt(d.days.submitted_on)),
        (
            "Approved by the quality assurance panel",
            opt(d.days.approved_on),
        ),
        ("Published", opt(d.days.published_on)),
        ("Withdrawn", opt(d.days.withdrawn_on)),
        ("Panel", file.panel.join(", ")),
    ];
    let clocks = Table::new(
        "Timescales",
        vec![
            Heading::text("What"),
            Heading::text("When"),
            Heading::text("Standing"),
        ],
    )
    .quiet()
    .rows(
        file.clocks
            .iter()
            .map(|(what, s)| {
                let (text, tag) = clock_cell(s);
                vec![Cell::head(what.clone()), Cell::text(text), Cell::Tag(tag)]
            })
            .collect(),
    );
    let reports = Table::new(
        "Chronologies and Individual Management Reviews",
        vec![
            Heading::num("Number"),
            Heading::text("Agency"),
            Heading::text("What"),
            Heading::text("Due"),
            Heading::text("Received"),
        ],
    )
    .rows(
        d.reports
            .iter()
            .map(|r| {
                vec![
                    Cell::num(r.id.to_string()),
                    Cell::text(name(r.agency_id)),
                    Cell::text(if r.kind == "imr" {
                        "Individual Management Review"
                    } else {
                        "Chronology"
                    }),
                    Cell::text(r.due.to_string()),
                    Cell::text(opt(r.received_on)),
                ]
            })
            .collect(),
    );
    let actions = Table::new(
        "The learning action plan",
        vec![
            Heading::num("Number"),
            Heading::text("Agency"),
            Heading::text("Action"),
            Heading::text("Due"),
            Heading::text("Done"),
        ],
    )
    .rows(
        d.actions
            .iter()
            .map(|a| {
                vec![
                    Cell::num(a.id.to_string()),
                    Cell::text(name(a.agency_id)),
                    Cell::text(a.text.clone()),
                    Cell::text(a.due.to_string()),
                    Cell::text(match a.done_on {
                        Some(on) if a.note.is_empty() => on.to_string(),
                        Some(on) => format!("{on}: {}", a.note),
                        None => "–".into(),
                    }),
                ]
            })
            .collect(),
    );
    let stages = [
        ("review", "Decided: hold a review"),
        ("no_review", "Decided: no review"),
        ("home_office", "The Home Office told of the decision"),
        (
            "submitted",
            "Overview report, executive summary and action plan sent for quality assurance",
        ),
        (
            "approved",
            "Approved by the Home Office Quality Assurance Panel",
        ),
        ("published", "Published (pseudonymised)"),
        ("withdrawn", "Withdrawn from publication"),
    ]
    .into_iter()
    .map(|(v, l)| Choice::new(v, l))
    .collect();
    let changes = [
        (
            "chronology",
            "Ask the agency for a chronology, due on the date",
        ),
        ("imr", "Ask the agency for an IMR, due on the date"),
        ("received", "Report number received on the date"),
        (
            "action",
            "A learning action for the agency, due on the date",
        ),
        ("action_done", "Learning action number done on the date"),
        ("chair", "The independent chair"),
        ("adjourned", "Days adjourned (criminal proceedings)"),
    ]
    .into_iter()
    .map(|(v, l)| Choice::new(v, l))
    .collect();
    ReviewPage {
        chrome: Chrome::new(app, caller, format!("Review {}", d.reference))
            .with_errors(!errors.is_empty()),
        errors: Errors(errors),
        done,
        id: d.id,
        reference: d.reference.clone(),
        pseudonym: d.new.pseudonym.clone(),
        stage: file.stage.label(),
        summary,
        clocks,
        reports,
        actions,
        stages,
        changes,
        agencies: file
            .agencies
            .iter()
            .map(|(id, n)| Choice::new(id.to_string(), n.clone()))
            .collect(),
    }
}

fn done_text(q: &DoneQuery) -> Option<&'static str> {
    Some(match q.done.as_deref()? {
        "notified" => {
            "The notification is recorded. Decide whether to hold a review, and tell the Home Office."
        }
        "stage" => "The stage is recorded.",
        "updated" => "The review is updated.",
        "panel" => "The user is on the panel.",
        _ => return None,
    })
}

/// GET /dhrs/{id}
pub(crate) async fn review(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let id: DhrId = id_of(&id)?;
    let file = app.app.dhr(&caller.actor(), id).await?;
    Ok(view::page(&review_page(
        &app,
        &caller,
        file,
        done_text(&q),
        vec![],
    )))
}

async fn after(
    app: &AppState,
    caller: &Caller,
    id: DhrId,
    result: Result<(), AppError>,
    done: &str,
    field: &'static str,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(http::redirect(&format!("/dhrs/{id}?done={done}"))),
        Err(AppError::Invalid(m) | AppError::Conflict(m)) => {
            let file = app.app.dhr(&caller.actor(), id).await?;
            Ok(view::render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &review_page(app, caller, file, None, vec![(field, m)]),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /dhrs/{id}/stage
pub(crate) async fn stage(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: DhrId = id_of(&id)?;
    let f = Fields::parse(&body);
    let note = f.one("note");
    let step = match f.one("stage").as_str() {
        "review" => Some(DhrStep::Decide {
            decision: DhrDecision::Review,
            note,
        }),
        "no_review" => Some(DhrStep::Decide {
            decision: DhrDecision::NoReview,
            note,
        }),
        "home_office" => Some(DhrStep::HomeOfficeInformed),
        "submitted" => Some(DhrStep::Submitted),
        "approved" => Some(DhrStep::Approved { note }),
        "published" => Some(DhrStep::Published),
        "withdrawn" => Some(DhrStep::Withdrawn),
        _ => None,
    };
    let result = match step {
        Some(s) => app.app.dhr_step(&caller.actor(), id, s).await,
        None => Err(AppError::Invalid("Choose the stage.".into())),
    };
    after(&app, &caller, id, result, "stage", "stage").await
}

/// POST /dhrs/{id}/update
pub(crate) async fn update(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: DhrId = id_of(&id)?;
    let f = Fields::parse(&body);
    let result = async {
        let day = || -> Result<Date, AppError> {
            let v = f.one("day");
            v.parse()
                .map_err(|_| AppError::Invalid(format!("Enter the date as YYYY-MM-DD, not {v:?}.")))
        };
        let number = || -> Result<i64, AppError> {
            let v = f.one("number");
            v.parse()
                .map_err(|_| AppError::Invalid(format!("Enter the number, not {v:?}.")))
        };
        let agency = || -> Result<AgencyId, AppError> {
            f.one("agency")
                .parse()
                .map_err(|_| AppError::Invalid("Choose the agency.".into()))
        };
        let change = match f.one("what").as_str() {
            "chronology" => DhrChange::Report {
                agency: agency()?,
                kind: "chronology",
                due: day()?,
            },
            "imr" => DhrChange::Report {
                agency: agency()?,
                kind: "imr",
                due: day()?,
            },
            "received" => DhrChange::ReportReceived {
                id: number()?,
                on: day()?,
            },
            "action" => DhrChange::Action {
                agency: agency()?,
                text: f.one("text"),
                due: day()?,
            },
            "action_done" => DhrChange::ActionDone {
                id: number()?,
                on: day()?,
                note: f.one("text"),
            },
            "chair" => DhrChange::Chair(f.one("text")),
            "adjourned" => DhrChange::Adjourned(
                u32::try_from(number()?)
                    .map_err(|_| AppError::Invalid("Days adjourned are 0 or more.".into()))?,
            ),
            _ => return Err(AppError::Invalid("Choose what to add or change.".into())),
        };
        app.app.dhr_change(&caller.actor(), id, change).await
    }
    .await;
    after(&app, &caller, id, result, "updated", "what").await
}

/// POST /dhrs/{id}/panel
pub(crate) async fn panel(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: DhrId = id_of(&id)?;
    let f = Fields::parse(&body);
    let result = app
        .app
        .add_to_panel(&caller.actor(), id, &f.one("username"))
        .await;
    after(&app, &caller, id, result, "panel", "what").await
}
