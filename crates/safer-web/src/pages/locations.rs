//! Locations: choosing a case's location among the police.uk places of
//! the district (or giving an address alone), and a location's page with
//! its cases, the incidents on them, the police.uk records at its place
//! and the repeat-location flags.

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use safer_app::AppError;
use safer_domain::casework::location::{Location, Place};
use safer_domain::{CaseId, Category, LocationId};

use crate::auth::Caller;
use crate::http::Fields;
use crate::pages::cases::cases_table;
use crate::pages::id_of;
use crate::view::{self, Cell, Chrome, Heading, Table};
use crate::{AppState, WebError, http};

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct PlacesQuery {
    q: String,
}

struct FoundLine {
    street: String,
    lsoa_code: String,
    lsoa_name: String,
    records: u64,
}

#[derive(Template)]
#[template(path = "places.html")]
struct PlacesPage {
    chrome: Chrome,
    case: CaseId,
    query: String,
    searched: bool,
    found: Vec<FoundLine>,
}

/// GET /cases/{id}/places?q=: the police.uk places matching the text.
/// The case must be one the caller may see.
pub(crate) async fn places(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(q): Query<PlacesQuery>,
) -> Result<Response, WebError> {
    let case: CaseId = id_of(&id)?;
    let actor = caller.actor();
    // Only for a case the caller may see.
    app.app.require_case(&actor, case).await?;
    let found = app.app.find_places(&actor, &q.q)?;
    Ok(view::page(&PlacesPage {
        chrome: Chrome::new(&app, &caller, "Find the police.uk place"),
        case,
        searched: !q.q.trim().is_empty(),
        query: q.q,
        found: found
            .into_iter()
            .map(|f| FoundLine {
                street: f.place.street,
                lsoa_code: f.place.lsoa_code,
                lsoa_name: f.place.lsoa_name,
                records: f.records,
            })
            .collect(),
    }))
}

/// POST /cases/{id}/locations: an address, with the police.uk place when
/// one was chosen.
pub(crate) async fn add(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let case: CaseId = id_of(&id)?;
    let f = Fields::parse(&body);
    let place = match (f.one("street"), f.one("lsoa_code"), f.one("lsoa_name")) {
        (s, c, n) if !s.is_empty() && !c.is_empty() && !n.is_empty() => Some(Place {
            street: s,
            lsoa_code: c,
            lsoa_name: n,
        }),
        _ => None,
    };
    let location = Location {
        address: f.one("address"),
        place,
    };
    match app
        .app
        .add_case_location(&caller.actor(), case, &location)
        .await
    {
        Ok(_) => Ok(http::redirect(&format!(
            "/cases/{case}?done=location#locations"
        ))),
        Err(AppError::Invalid(m)) => Err(WebError::Unprocessable(m)),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "location.html")]
struct LocationPage {
    chrome: Chrome,
    id: LocationId,
    address: String,
    place: Option<Place>,
    cases: Table,
    incidents: Table,
    repeat_by_cases: Option<String>,
    police_uk: Table,
    window: Option<String>,
    police_uk_flag: Option<String>,
    rule: String,
}

/// GET /locations/{id}
pub(crate) async fn location(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: LocationId = id_of(&id)?;
    let l = app.app.location(&caller.actor(), id).await?;
    let rule = app.app.casework().repeat_location;
    let incidents = Table::new(
        "Incidents recorded on its cases",
        vec![
            Heading::text("Date"),
            Heading::text("Case"),
            Heading::text("What"),
        ],
    )
    .rows(
        l.case_incidents
            .iter()
            .map(|(c, on, text)| {
                vec![
                    Cell::text(on.to_string()),
                    Cell::HeadLink {
                        href: format!("/cases/{c}"),
                        text: format!("Case {c}"),
                    },
                    Cell::text(text),
                ]
            })
            .collect(),
    );
    let police_uk = Table::new(
        "police.uk records at the place, by month",
        vec![
            Heading::text("Month"),
            Heading::num("Anti-social behaviour"),
            Heading::num("Crimes"),
            Heading::num("All records"),
        ],
    )
    .rows(
        l.police_uk
            .iter()
            .map(|m| {
                let asb = m
                    .by_category
                    .get(&Category::AntiSocialBehaviour)
                    .copied()
                    .unwrap_or(0);
                vec![
                    Cell::head(m.month.to_string()),
                    Cell::num(asb.to_string()),
                    Cell::num((m.total() - asb).to_string()),
                    Cell::num(m.total().to_string()),
                ]
            })
            .collect(),
    );
    Ok(view::page(&LocationPage {
        chrome: Chrome::new(&app, &caller, l.location.address.clone()),
        id,
        address: l.location.address.clone(),
        place: l.location.place.clone(),
        cases: cases_table("Cases at this location", &l.cases),
        incidents,
        repeat_by_cases: l.repeat_by_cases.then(|| {
            format!(
                "Repeat location: {} incidents on its cases in the last {} months",
                l.case_incidents.len(),
                rule.months
            )
        }),
        police_uk,
        window: l.window.map(|(latest, first)| format!("{first} to {latest}")),
        police_uk_flag: l.repeat_by_police_uk.then(|| {
            format!(
                "Repeat location on police.uk: {} anti-social behaviour reports at this place in the {} months held",
                l.police_uk_asb, rule.months
            )
        }),
        rule: format!(
            "{} incidents within {} months",
            rule.incidents, rule.months
        ),
    }))
}

/// POST /cases/{id}/groups: a group with its members, people on the case.
pub(crate) async fn add_group(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let case: CaseId = id_of(&id)?;
    let f = Fields::parse(&body);
    let members: Vec<safer_domain::PersonId> = f
        .all("members")
        .iter()
        .filter_map(|m| m.parse().ok())
        .collect();
    let group = safer_domain::casework::group::Group {
        name: f.one("group-name"),
        description: f.one("group-description"),
    };
    match app
        .app
        .add_case_group(&caller.actor(), case, &group, &members)
        .await
    {
        Ok(_) => Ok(http::redirect(&format!("/cases/{case}?done=group#groups"))),
        Err(AppError::Invalid(m)) => Err(WebError::Unprocessable(m)),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "group.html")]
struct GroupPage {
    chrome: Chrome,
    id: safer_domain::GroupId,
    name: String,
    description: String,
    members: Vec<(safer_domain::PersonId, String)>,
    cases: Table,
}

/// GET /groups/{id}
pub(crate) async fn group(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: safer_domain::GroupId = id_of(&id)?;
    let g = app.app.group(&caller.actor(), id).await?;
    Ok(view::page(&GroupPage {
        chrome: Chrome::new(&app, &caller, g.group.name.clone()),
        id,
        name: g.group.name,
        description: g.group.description,
        members: g
            .members
            .into_iter()
            .map(|(p, person)| (p, person.name))
            .collect(),
        cases: cases_table("Cases of the group", &g.cases),
    }))
}
