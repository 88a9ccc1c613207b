//! The overdue board (every duty's clocks, by agency, forum or duty) and
//! the weekly digest per agency, as a page and as email-ready text.

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;
use safer_app::overdue::{Board, Due, OnRecord, digest_text};
use safer_domain::casework::clock::ClockState;
use safer_domain::{AgencyId, Date};

use crate::auth::Caller;
use crate::pages::trigger::clock_cell;
use crate::view::{self, Cell, Choice, Chrome, Heading, Table};
use crate::{AppState, WebError};

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct BoardQuery {
    by: Option<String>,
    late: Option<String>,
    as_of: Option<String>,
    agency: Option<String>,
}

#[derive(Template)]
#[template(path = "overdue.html")]
struct BoardPage {
    chrome: Chrome,
    heading: String,
    intro: String,
    action: &'static str,
    digest: bool,
    by: String,
    late_only: bool,
    agencies: Vec<Choice>,
    agency: String,
    as_of: Date,
    late: usize,
    today_count: usize,
    later: usize,
    groups: Vec<(String, Table)>,
    text_href: Option<String>,
}

fn href(r: OnRecord) -> String {
    match r {
        OnRecord::Case(c) => format!("/cases/{c}"),
        OnRecord::Trigger(t) => format!("/triggers/{t}"),
        OnRecord::Dhr(d) => format!("/dhrs/{d}"),
    }
}

fn table(caption: &str, items: &[&Due]) -> Table {
    Table::new(
        caption,
        vec![
            Heading::text("Record"),
            Heading::text("What"),
            Heading::text("Duty"),
            Heading::text("Owner"),
            Heading::text("When"),
            Heading::text("Standing"),
        ],
    )
    .quiet()
    .rows(
        items
            .iter()
            .map(|d| {
                let (when, tag) = clock_cell(&d.state);
                vec![
                    Cell::HeadLink {
                        href: href(d.record),
                        text: d.record_label.clone(),
                    },
                    Cell::text(d.what.clone()),
                    Cell::text(d.duty.label()),
                    Cell::text(d.owner().to_owned()),
                    Cell::text(when),
                    Cell::Tag(tag),
                ]
            })
            .collect(),
    )
}

fn as_of(q: &BoardQuery) -> Result<Option<Date>, WebError> {
    match q.as_of.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(t) => t.parse().map(Some).map_err(|_| {
            WebError::Unprocessable(format!("Enter the day as YYYY-MM-DD, not {t:?}."))
        }),
    }
}

fn counts(b: &Board) -> (usize, usize, usize) {
    let late = b.items.iter().filter(|d| d.state.is_overdue()).count();
    let today = b
        .items
        .iter()
        .filter(|d| matches!(d.state, ClockState::DueToday { .. }))
        .count();
    (late, today, b.items.len() - late - today)
}

/// GET /overdue
pub(crate) async fn board(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<BoardQuery>,
) -> Result<Response, WebError> {
    let mut b = app.app.overdue_board(&caller.actor(), as_of(&q)?).await?;
    let late_only = q.late.as_deref() == Some("yes");
    if late_only {
        b.items.retain(|d| d.state.is_overdue());
    }
    let by = q.by.clone().unwrap_or_else(|| "agency".into());
    let groups: Vec<(String, Table)> = match by.as_str() {
        "forum" => {
            let mut g: Vec<(String, Table)> = b
                .by_forum()
                .into_iter()
                .map(|(k, v)| (k.clone(), table(&k, &v)))
                .collect();
            let other: Vec<&Due> = b.items.iter().filter(|d| d.forum.is_none()).collect();
            if !other.is_empty() {
                g.push((
                    "Not a forum's case".into(),
                    table("Not a forum's case", &other),
                ));
            }
            g
        }
        "duty" => {
            let mut m: std::collections::BTreeMap<&str, Vec<&Due>> = Default::default();
            for d in &b.items {
                m.entry(d.duty.label()).or_default().push(d);
            }
            m.into_iter()
                .map(|(k, v)| (k.to_owned(), table(k, &v)))
                .collect()
        }
        _ => b
            .by_agency()
            .into_iter()
            .map(|(k, v)| (k.clone(), table(&k, &v)))
            .collect(),
    };
    let (late, today_count, later) = counts(&b);
    Ok(view::page(&BoardPage {
        chrome: Chrome::new(&app, &caller, "Overdue board"),
        heading: "Overdue board".into(),
        intro: "Every statutory and local clock you may see, soonest first: Community Trigger acknowledgement, decision, review and recommendations; ABC reviews and ends; Community Protection Warning compliance; Domestic Homicide Review decisions, reports and quality assurance; case reviews by risk level; and case actions.".into(),
        action: "/overdue",
        digest: false,
        by,
        late_only,
        agencies: vec![],
        agency: String::new(),
        as_of: b.as_of,
        late,
        today_count,
        later,
        groups,
        text_href: None,
    }))
}

async fn digest_board(
    app: &AppState,
    caller: &Caller,
    q: &BoardQuery,
) -> Result<(Board, Option<(AgencyId, String)>, Vec<Choice>), WebError> {
    let agencies = app.app.agencies().await?;
    let chosen = match q.agency.as_deref().filter(|a| !a.is_empty()) {
        Some(a) => Some(
            a.parse::<AgencyId>()
                .map_err(|_| WebError::Unprocessable(format!("There is no agency {a:?}.")))?,
        ),
        None => caller.user.as_ref().map(|u| u.agency.id),
    };
    let Some(id) = chosen else {
        return Err(WebError::Unprocessable("Choose the agency.".into()));
    };
    let name = agencies
        .iter()
        .find(|a| a.id == id)
        .map(|a| a.name.clone())
        .ok_or_else(|| WebError::Unprocessable(format!("There is no agency {id}.")))?;
    let board = app
        .app
        .weekly_digest(&caller.actor(), id, as_of(q)?)
        .await?;
    let choices = agencies
        .into_iter()
        .map(|a| Choice::new(a.id.to_string(), a.name))
        .collect();
    Ok((board, Some((id, name)), choices))
}

/// GET /overdue/digest?agency=
pub(crate) async fn digest(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<BoardQuery>,
) -> Result<Response, WebError> {
    let (b, agency, agencies) = digest_board(&app, &caller, &q).await?;
    let (id, name) = agency.unwrap_or((AgencyId::from_stored(0), String::new()));
    let late: Vec<&Due> = b.items.iter().filter(|d| d.state.is_overdue()).collect();
    let soon: Vec<&Due> = b.items.iter().filter(|d| !d.state.is_overdue()).collect();
    let mut groups = Vec::new();
    if !late.is_empty() {
        groups.push(("Late".to_owned(), table("Late", &late)));
    }
    if !soon.is_empty() {
        groups.push((
            "Due in the next seven days".to_owned(),
            table("Due in the next seven days", &soon),
        ));
    }
    let (l, t, later) = counts(&b);
    Ok(view::page(&BoardPage {
        chrome: Chrome::new(&app, &caller, format!("Weekly digest: {name}")),
        heading: format!("Weekly digest: {name}"),
        intro: format!(
            "What {name} owns that is late, and what falls due in the next seven days, of what you may see."
        ),
        action: "/overdue/digest",
        digest: true,
        by: String::new(),
        late_only: false,
        agencies,
        agency: id.to_string(),
        as_of: b.as_of,
        late: l,
        today_count: t,
        later,
        groups,
        text_href: Some(format!("/overdue/digest.txt?agency={id}&as_of={}", b.as_of)),
    }))
}

/// GET /overdue/digest.txt?agency=: the digest as email-ready text.
pub(crate) async fn digest_txt(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<BoardQuery>,
) -> Result<Response, WebError> {
    let (b, agency, _) = digest_board(&app, &caller, &q).await?;
    let name = agency.map(|(_, n)| n).unwrap_or_default();
    Ok(super::download(
        digest_text(&b, &name).into_bytes(),
        "text/plain; charset=utf-8",
        &format!("digest-{}.txt", b.as_of),
    ))
}
