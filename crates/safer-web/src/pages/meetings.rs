//! The forums' meetings: the list and the form to add one, a meeting's
//! agenda with the form to record the forum's decisions and actions, and
//! its minutes, each recipient agency's copy holding only the cases that
//! agency may see (HTML to print, and PDF).

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use safer_app::AppError;
use safer_app::casework::{FORUM_RUNNERS, Minutes};
use safer_domain::{AgencyId, CaseId, Date, MeetingId};

use crate::auth::Caller;
use crate::http::Fields;
use crate::pages::cases::cases_table;
use crate::pages::id_of;
use crate::view::{self, Cell, Choice, Chrome, Errors, Heading, Table};
use crate::{AppState, WebError, http};

#[derive(Template)]
#[template(path = "meetings.html")]
struct MeetingsPage {
    chrome: Chrome,
    errors: Errors,
    forum_table: Table,
    table: Table,
    chair: String,
    attending: Vec<String>,
    may_add: bool,
    forums: Vec<Choice>,
    agencies: Vec<Choice>,
    today: String,
}

async fn meetings_page(
    app: &AppState,
    caller: &Caller,
    errors: Vec<(&'static str, String)>,
) -> Result<Response, WebError> {
    let meetings = app.app.meetings(&caller.actor()).await?;
    let names = app.app.agencies().await?;
    let name = |a: &AgencyId| {
        names
            .iter()
            .find(|x| x.id == *a)
            .map_or_else(String::new, |x| x.name.clone())
    };
    let table = Table::new(
        "Meetings",
        vec![
            Heading::text("Meeting"),
            Heading::text("Chair"),
            Heading::text("Agencies attending"),
        ],
    )
    .quiet()
    .rows(
        meetings
            .iter()
            .map(|(m, forum)| {
                vec![
                    Cell::HeadLink {
                        href: format!("/meetings/{}", m.id),
                        text: format!("{forum}, {}", m.held_on),
                    },
                    Cell::text(&m.chair),
                    Cell::text(m.attended.iter().map(name).collect::<Vec<_>>().join(", ")),
                ]
            })
            .collect(),
    );
    let cw = app.app.casework();
    let forum_table = Table::new(
        "The forums",
        vec![
            Heading::text("Forum"),
            Heading::num("Meets every (days)"),
            Heading::text("Chair"),
            Heading::text("Agencies that sit on it"),
            Heading::text("Next meeting on the cycle"),
        ],
    )
    .rows(
        cw.forums
            .iter()
            .map(|f| {
                let last = meetings
                    .iter()
                    .find(|(m, _)| m.forum == f.id)
                    .map(|(m, _)| m.held_on);
                vec![
                    Cell::head(&f.name),
                    Cell::num(f.cycle_days.to_string()),
                    Cell::text(if f.chair.is_empty() {
                        "–".to_owned()
                    } else {
                        f.chair.clone()
                    }),
                    Cell::text(if f.members.is_empty() {
                        "–".to_owned()
                    } else {
                        f.members.join(", ")
                    }),
                    Cell::text(
                        last.and_then(|d| f.next_meeting(d))
                            .map_or_else(|| "–".to_owned(), |d| d.to_string()),
                    ),
                ]
            })
            .collect(),
    );
    // The form starts from the first forum's chair and members.
    let first = cw.forums.first();
    let attending = first
        .map(|f| {
            names
                .iter()
                .filter(|a| f.members.iter().any(|m| m.eq_ignore_ascii_case(&a.name)))
                .map(|a| a.id.to_string())
                .collect()
        })
        .unwrap_or_default();
    let has_errors = !errors.is_empty();
    Ok(view::render(
        if has_errors {
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        } else {
            axum::http::StatusCode::OK
        },
        &MeetingsPage {
            chrome: Chrome::new(app, caller, "Meetings").with_errors(has_errors),
            errors: Errors(errors),
            forum_table,
            chair: first.map(|f| f.chair.clone()).unwrap_or_default(),
            attending,
            table,
            may_add: caller
                .user
                .as_ref()
                .is_some_and(|u| u.has_any(FORUM_RUNNERS)),
            forums: app
                .app
                .casework()
                .forums
                .iter()
                .map(|f| Choice::new(f.id.clone(), f.name.clone()))
                .collect(),
            agencies: names
                .iter()
                .map(|a| Choice::new(a.id.to_string(), a.name.clone()))
                .collect(),
            today: app.app.today().to_string(),
        },
    ))
}

pub(crate) async fn index(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, WebError> {
    meetings_page(&app, &caller, Vec::new()).await
}

pub(crate) async fn add(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, WebError> {
    let f = Fields::parse(&body);
    let Ok(on) = f.one("held_on").parse::<Date>() else {
        return meetings_page(
            &app,
            &caller,
            vec![(
                "held_on",
                "Enter the meeting's date as YYYY-MM-DD, such as 2024-06-12.".into(),
            )],
        )
        .await;
    };
    let attended: Vec<AgencyId> = f
        .all("attended")
        .iter()
        .filter_map(|a| a.parse().ok())
        .collect();
    match app
        .app
        .add_meeting(
            &caller.actor(),
            &f.one("forum"),
            on,
            &f.one("chair"),
            &attended,
        )
        .await
    {
        Ok(id) => Ok(http::redirect(&format!("/meetings/{id}"))),
        Err(AppError::Invalid(m)) => meetings_page(&app, &caller, vec![("chair", m)]).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "agenda.html")]
struct AgendaPage {
    chrome: Chrome,
    errors: Errors,
    done: bool,
    id: MeetingId,
    heading: String,
    chair: String,
    referrals: Table,
    reviews: Table,
    overdue: Table,
    may_record: bool,
    items: Vec<Choice>,
    agencies: Vec<Choice>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct AgendaQuery {
    done: Option<String>,
}

async fn agenda_page(
    app: &AppState,
    caller: &Caller,
    id: MeetingId,
    done: bool,
    errors: Vec<(&'static str, String)>,
) -> Result<Response, WebError> {
    let a = app.app.agenda(&caller.actor(), id).await?;
    let overdue = Table::new(
        "Overdue actions",
        vec![
            Heading::text("Case"),
            Heading::text("Action"),
            Heading::text("Agency and owner"),
            Heading::text("Due"),
            Heading::num("Days late"),
        ],
    )
    .rows(
        a.overdue_actions
            .iter()
            .map(|x| {
                vec![
                    Cell::HeadLink {
                        href: format!("/cases/{}#actions", x.action.case_id),
                        text: format!("Case {}", x.action.case_id),
                    },
                    Cell::text(&x.action.text),
                    Cell::text(format!("{} ({})", x.agency, x.action.owner)),
                    Cell::text(x.action.due.to_string()),
                    Cell::num(x.days_late.to_string()),
                ]
            })
            .collect(),
    );
    let mut items = vec![Choice::new("", "Choose a case")];
    items.extend(
        a.referrals
            .iter()
            .chain(&a.reviews)
            .chain(&a.others)
            .map(|c| {
                Choice::new(
                    c.case.id.to_string(),
                    format!("{} · {}", c.case.id, c.case.title),
                )
            }),
    );
    let has_errors = !errors.is_empty();
    Ok(view::render(
        if has_errors {
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        } else {
            axum::http::StatusCode::OK
        },
        &AgendaPage {
            chrome: Chrome::new(app, caller, format!("{} agenda", a.forum)).with_errors(has_errors),
            errors: Errors(errors),
            done,
            id,
            heading: format!("{}, {}", a.forum, a.meeting.held_on),
            chair: a.meeting.chair.clone(),
            referrals: cases_table("New referrals", &a.referrals).quiet(),
            reviews: cases_table("Cases due for review", &a.reviews).quiet(),
            overdue: overdue.quiet(),
            may_record: caller
                .user
                .as_ref()
                .is_some_and(|u| u.has_any(FORUM_RUNNERS)),
            items,
            agencies: std::iter::once(Choice::new("", "No action"))
                .chain(
                    app.app
                        .agencies()
                        .await?
                        .into_iter()
                        .map(|x| Choice::new(x.id.to_string(), x.name)),
                )
                .collect(),
        },
    ))
}

pub(crate) async fn agenda(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(q): Query<AgendaQuery>,
) -> Result<Response, WebError> {
    let id: MeetingId = id_of(&id)?;
    agenda_page(&app, &caller, id, q.done.is_some(), Vec::new()).await
}

/// Records a decision on a case at the meeting and, when an agency is
/// chosen, the action agreed with it.
pub(crate) async fn record_decision(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let id: MeetingId = id_of(&id)?;
    let f = Fields::parse(&body);
    let actor = caller.actor();
    let Ok(case) = f.one("case").parse::<CaseId>() else {
        return agenda_page(
            &app,
            &caller,
            id,
            false,
            vec![("case", "Choose the case the decision is on.".into())],
        )
        .await;
    };
    let agency = f.one("agency");
    let action = if agency.is_empty() {
        None
    } else {
        match (agency.parse::<AgencyId>(), f.one("due").parse::<Date>()) {
            (Ok(a), Ok(due)) => Some((a, due)),
            _ => {
                return agenda_page(
                    &app,
                    &caller,
                    id,
                    false,
                    vec![(
                        "due",
                        "Enter the action's due date as YYYY-MM-DD, such as 2024-07-01.".into(),
                    )],
                )
                .await;
            }
        }
    };
    let result = async {
        app.app
            .record_decision(&actor, id, case, &f.one("decision"))
            .await?;
        if let Some((agency, due)) = action {
            app.app
                .add_case_action(
                    &actor,
                    case,
                    &safer_app::casework::CaseActionEntry {
                        agency,
                        owner: f.one("owner"),
                        text: f.one("action"),
                        due,
                        meeting: Some(id),
                    },
                )
                .await?;
        }
        Ok::<(), AppError>(())
    }
    .await;
    match result {
        Ok(()) => Ok(http::redirect(&format!("/meetings/{id}?done=1"))),
        Err(AppError::Invalid(m)) => {
            agenda_page(&app, &caller, id, false, vec![("decision", m)]).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct MinutesQuery {
    /// The recipient agency's copy (the coordinator may choose).
    agency: Option<String>,
}

#[derive(Template)]
#[template(path = "minutes.html")]
struct MinutesPage {
    m: Minutes,
    heading: String,
    pdf_href: String,
    back: String,
}

async fn minutes_html(
    app: &AppState,
    caller: &Caller,
    id: &str,
    q: &MinutesQuery,
) -> Result<(String, String), WebError> {
    let id: MeetingId = id_of(id)?;
    let agency = match q.agency.as_deref().filter(|a| !a.is_empty()) {
        None => None,
        Some(a) => Some(
            a.parse::<AgencyId>()
                .map_err(|_| WebError::Unprocessable(format!("There is no agency {a:?}.")))?,
        ),
    };
    let m = app.app.minutes(&caller.actor(), id, agency).await?;
    let heading = format!("{}: minutes of {}", m.forum, m.meeting.held_on);
    let query = agency.map_or_else(String::new, |a| format!("?agency={a}"));
    let name = format!("minutes-{}-{}", m.meeting.forum, m.meeting.held_on);
    let page = MinutesPage {
        heading,
        pdf_href: format!("/meetings/{id}/minutes.pdf{query}"),
        back: format!("/meetings/{id}"),
        m,
    };
    let html = page
        .render()
        .map_err(|e| WebError::Internal(format!("rendering the minutes: {e}")))?;
    Ok((html, name))
}

pub(crate) async fn minutes(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(q): Query<MinutesQuery>,
) -> Result<Response, WebError> {
    let (html, _) = minutes_html(&app, &caller, &id, &q).await?;
    Ok(super::report_response(html))
}

pub(crate) async fn minutes_pdf(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(q): Query<MinutesQuery>,
) -> Result<Response, WebError> {
    let (html, name) = minutes_html(&app, &caller, &id, &q).await?;
    super::pdf_download(html, &name, "minutes").await
}
