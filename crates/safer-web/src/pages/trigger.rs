//! The ASB case review (Community Trigger): the public application form
//! (no sign-in), the published s104(10) figures, and the point of
//! contact's pages: the applications, one application with its clocks and
//! the rules' explained finding, its handling forms and the letters.

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use safer_app::AppError;
use safer_app::trigger::{
    Application, TRIGGER_HANDLERS, ThresholdDecision, TriggerFile, explain_verdict,
};
use safer_domain::casework::clock::ClockState;
use safer_domain::casework::letters::LetterKind;
use safer_domain::casework::trigger::{Route, TriggerRules};
use safer_domain::{AgencyId, BankHolidays, CaseId, Date, TriggerId};

use crate::auth::{CSRF_COOKIE, Caller, set_cookie};
use crate::http::Fields;
use crate::pages::cases::DoneQuery;
use crate::pages::id_of;
use crate::view::{self, Cell, Choice, Chrome, Errors, Heading, Table, Tag};
use crate::{AppState, WebError, http};

pub(crate) use safer_app::trigger::TriggerComplaint;

/// Rows of complaints the public form offers.
const FORM_ROWS: usize = 6;

/// The rules in a sentence, for the public and the point of contact.
pub(crate) fn rules_text(r: &TriggerRules) -> String {
    let mut routes = vec![format!(
        "{} separate incidents of anti-social behaviour reported in the last {} months, each within {} month{} of happening",
        r.local_complaints,
        r.window_months,
        r.report_within_months,
        if r.report_within_months == 1 { "" } else { "s" }
    )];
    if r.hate_route {
        routes.push(format!(
            "{} hate incident{} in that time",
            r.hate_incidents,
            if r.hate_incidents == 1 { "" } else { "s" }
        ));
    }
    if let Some(n) = r.individuals_route {
        routes.push(format!(
            "{n} people complaining separately about the same incident"
        ));
    }
    if let Some(l) = r.location_route {
        routes.push(format!(
            "{} reports about the same place in {} months",
            l.reports, l.months
        ));
    }
    format!(
        "A case review is held when there have been {}{}. Three qualifying complaints always meet the threshold, as the law requires.",
        routes.join(", or "),
        if r.requires_no_effective_action {
            ", and you believe no effective action has been taken"
        } else {
            ""
        }
    )
}

struct ComplaintRow {
    n: usize,
    happened: String,
    reported: String,
    to: String,
    reference: String,
    hate: bool,
}

#[derive(Default)]
struct FormValues {
    applicant_name: String,
    applicant_contact: String,
    on_behalf_of: String,
    relationship: String,
    consent: bool,
    address: String,
    behaviour: String,
    no_effective_action: bool,
    youth: bool,
    received_on: String,
}

#[derive(Template)]
#[template(path = "trigger_form.html")]
struct FormPage {
    chrome: Chrome,
    errors: Errors,
    public: bool,
    action: &'static str,
    threshold: String,
    form: FormValues,
    rows: Vec<ComplaintRow>,
}

fn form_page(
    app: &AppState,
    caller: &Caller,
    public: bool,
    f: Option<&Fields>,
    errors: Vec<(&'static str, String)>,
) -> FormPage {
    let get = |n: &str| f.map(|f| f.one(n)).unwrap_or_default();
    let rows = (1..=FORM_ROWS)
        .map(|n| ComplaintRow {
            n,
            happened: get(&format!("happened_{n}")),
            reported: get(&format!("reported_{n}")),
            to: get(&format!("to_{n}")),
            reference: get(&format!("ref_{n}")),
            hate: get(&format!("hate_{n}")) == "yes",
        })
        .collect();
    FormPage {
        chrome: Chrome::new(
            app,
            caller,
            if public {
                "Apply for an ASB case review"
            } else {
                "Record an application for an ASB case review"
            },
        )
        .with_errors(!errors.is_empty()),
        errors: Errors(errors),
        public,
        action: if public {
            "/community-trigger"
        } else {
            "/triggers/new"
        },
        threshold: rules_text(&app.app.casework().community_trigger),
        form: FormValues {
            applicant_name: get("applicant_name"),
            applicant_contact: get("applicant_contact"),
            on_behalf_of: get("on_behalf_of"),
            relationship: get("relationship"),
            consent: get("consent") == "yes",
            address: get("address"),
            behaviour: get("behaviour"),
            no_effective_action: get("no_effective_action") == "yes",
            youth: get("youth") == "yes",
            received_on: get("received_on"),
        },
        rows,
    }
}

/// Reads the form into an application; the complaints' dates that are
/// not dates are errors by their row.
fn application_of(f: &Fields) -> Result<Application, (&'static str, String)> {
    let mut complaints = Vec::new();
    for n in 1..=FORM_ROWS {
        let (happened, reported, to) = (
            f.one(&format!("happened_{n}")),
            f.one(&format!("reported_{n}")),
            f.one(&format!("to_{n}")),
        );
        if happened.is_empty() && reported.is_empty() && to.is_empty() {
            continue;
        }
        let day = |s: &str, what: &str| {
            s.parse::<Date>().map_err(|_| {
                (
                    "applicant_name",
                    format!("Report {n}: enter {what} as YYYY-MM-DD, such as 2024-05-01."),
                )
            })
        };
        let behaviour_on = day(&happened, "when it happened")?;
        let reported_on = if reported.is_empty() {
            behaviour_on
        } else {
            day(&reported, "when it was reported")?
        };
        complaints.push(TriggerComplaint {
            behaviour_on,
            reported_on,
            reported_to: to,
            incident_ref: Some(f.one(&format!("ref_{n}"))).filter(|r| !r.is_empty()),
            complainant: None,
            hate: f.one(&format!("hate_{n}")) == "yes",
            text: String::new(),
        });
    }
    let received = f.one("received_on");
    Ok(Application {
        applicant_name: f.one("applicant_name"),
        applicant_contact: f.one("applicant_contact"),
        on_behalf_of: Some(f.one("on_behalf_of")).filter(|s| !s.is_empty()),
        relationship: Some(f.one("relationship")).filter(|s| !s.is_empty()),
        consent: f.one("consent") == "yes",
        address: f.one("address"),
        behaviour: f.one("behaviour"),
        no_effective_action: f.one("no_effective_action") == "yes",
        youth: f.one("youth") == "yes",
        complaints,
        received_on: if received.is_empty() {
            None
        } else {
            Some(received.parse().map_err(|_| {
                (
                    "received_on",
                    "Enter the day received as YYYY-MM-DD.".to_owned(),
                )
            })?)
        },
    })
}

/// The field an application's error belongs by.
fn field_of(message: &str) -> &'static str {
    if message.contains("your name") {
        "applicant_name"
    } else if message.contains("contact") {
        "applicant_contact"
    } else if message.contains("consent") || message.contains("who you are") {
        "on_behalf_of"
    } else if message.contains("address or place") {
        "address"
    } else if message.contains("behaviour") {
        "behaviour"
    } else {
        "applicant_name"
    }
}

/// GET /community-trigger: the public form. Sets the form's CSRF cookie
/// for someone not signed in, as the sign-in form does.
pub(crate) async fn public_form(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Response {
    let mut caller = caller;
    let mut set = None;
    if caller.csrf.is_none() {
        let t = safer_app::random_token();
        set = Some(set_cookie(CSRF_COOKIE, Some(&t), app.config.secure_cookies));
        caller.csrf = Some(t);
    }
    let mut resp = view::page(&form_page(&app, &caller, true, None, Vec::new()));
    if let Some(c) = set {
        resp.headers_mut().append(header::SET_COOKIE, c);
    }
    resp
}

#[derive(Template)]
#[template(path = "trigger_done.html")]
struct DonePage {
    chrome: Chrome,
    reference: String,
    acknowledge_by: String,
    decision_by: String,
}

/// POST /community-trigger: an application from the public. A filled-in
/// hidden field marks a robot: it is thanked and nothing is kept.
pub(crate) async fn apply(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, WebError> {
    let f = Fields::parse(&body);
    let rules = &app.app.casework().community_trigger;
    let holidays = BankHolidays::england_and_wales();
    let today = app.app.today();
    let by =
        |d: Result<Date, safer_domain::NotCovered>| d.map(|d| d.to_string()).unwrap_or_default();
    let done = |reference: String| DonePage {
        chrome: Chrome::new(&app, &caller, "Application received"),
        reference,
        acknowledge_by: by(rules.timescales.acknowledge_by(today, &holidays)),
        decision_by: by(rules.timescales.decision_by(today, &holidays)),
    };
    if !f.one("website").is_empty() {
        return Ok(view::page(&done("received".into())));
    }
    let a = match application_of(&f) {
        Ok(a) => a,
        Err(e) => {
            return Ok(view::render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(&app, &caller, true, Some(&f), vec![e]),
            ));
        }
    };
    let a = Application {
        youth: false,
        received_on: None,
        ..a
    };
    match app.app.apply_for_case_review(&caller.actor(), &a).await {
        Ok(reference) => Ok(view::page(&done(reference))),
        Err(AppError::Invalid(m)) => Ok(view::render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&app, &caller, true, Some(&f), vec![(field_of(&m), m)]),
        )),
        Err(AppError::Refused(m)) => Ok(view::render(
            StatusCode::TOO_MANY_REQUESTS,
            &form_page(&app, &caller, true, Some(&f), vec![("applicant_name", m)]),
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
}

#[derive(Template)]
#[template(path = "trigger_statistics.html")]
struct StatisticsPage {
    chrome: Chrome,
    errors: Errors,
    first: Date,
    last: Date,
    table: Table,
}

/// The period asked for: 12 months ending with the last day of the last
/// full month, unless given.
fn period(app: &AppState, q: &PeriodQuery) -> Result<(Date, Date), WebError> {
    let today = app.app.today();
    let last_default = Date::new(today.year(), today.month(), 1)
        .and_then(|d| d.plus_days(-1))
        .unwrap_or(today);
    let parse = |s: &Option<String>, what: &str| -> Result<Option<Date>, WebError> {
        match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(t) => t.parse().map(Some).map_err(|_| {
                WebError::Unprocessable(format!("Enter {what} as YYYY-MM-DD, not {t:?}."))
            }),
        }
    };
    let last = parse(&q.to, "the end")?.unwrap_or(last_default);
    let first = match parse(&q.from, "the start")? {
        Some(f) => f,
        None => last
            .plus_months(-12)
            .and_then(|d| d.plus_days(1))
            .unwrap_or(last),
    };
    Ok((first, last))
}

fn statistics_rows(s: &safer_app::trigger::TriggerStatistics) -> Vec<(&'static str, u64)> {
    let f = &s.figures;
    vec![
        ("Applications received (s104(10)(a))", f.applications),
        ("Threshold not met (s104(10)(b))", f.threshold_not_met),
        ("Rejected as malicious or vexatious", f.rejected),
        ("Threshold met", f.threshold_met),
        ("Awaiting a decision", f.awaiting_decision),
        ("Reviews carried out (s104(10)(c))", f.reviews_carried_out),
        (
            "Reviews that made recommendations (s104(10)(d))",
            f.reviews_with_recommendations,
        ),
        (
            "Applications with youth ASB as an aggravating factor",
            f.youth,
        ),
    ]
}

/// GET /community-trigger/statistics: public, counts only.
pub(crate) async fn statistics(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    let (first, last) = period(&app, &q)?;
    let s = app.app.case_review_statistics(first, last).await?;
    let table = Table::new(
        format!("Applications received from {first} to {last}"),
        vec![Heading::text("Measure"), Heading::num("Number")],
    )
    .rows(
        statistics_rows(&s)
            .into_iter()
            .map(|(k, v)| vec![Cell::head(k), Cell::num(v.to_string())])
            .collect(),
    );
    Ok(view::page(&StatisticsPage {
        chrome: Chrome::new(&app, &caller, "ASB case reviews: the figures"),
        errors: Errors(vec![]),
        first,
        last,
        table,
    }))
}

/// GET /community-trigger/statistics.csv
pub(crate) async fn statistics_csv(
    State(app): State<AppState>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    let (first, last) = period(&app, &q)?;
    let s = app.app.case_review_statistics(first, last).await?;
    let mut out = String::from("from,to,measure,number\n");
    for (k, v) in statistics_rows(&s) {
        out.push_str(&format!(
            "{first},{last},\"{}\",{v}\n",
            k.replace('"', "\"\"")
        ));
    }
    Ok(super::download(
        out.into_bytes(),
        "text/csv; charset=utf-8",
        &format!("asb-case-reviews-{first}-to-{last}.csv"),
    ))
}

#[derive(Template)]
#[template(path = "triggers.html")]
struct ListPage {
    chrome: Chrome,
    rules: String,
    may_record: bool,
    table: Table,
}

fn status_tag(status: &str) -> Tag {
    let (label, colour) = match status {
        "received" => ("Received", "govuk-tag--blue"),
        "acknowledged" => ("Acknowledged", "govuk-tag--light-blue"),
        "threshold_met" => ("Threshold met", "govuk-tag--green"),
        "threshold_not_met" => ("Threshold not met", "govuk-tag--grey"),
        "rejected" => ("Rejected", "govuk-tag--grey"),
        "reviewed" => ("Reviewed", "govuk-tag--turquoise"),
        _ => ("Unknown", "govuk-tag--grey"),
    };
    Tag { label, colour }
}

/// GET /triggers
pub(crate) async fn index(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, WebError> {
    let list = app.app.case_review_applications(&caller.actor()).await?;
    let table = Table::new(
        "Applications",
        vec![
            Heading::text("Reference"),
            Heading::text("Received"),
            Heading::text("From"),
            Heading::text("Applicant"),
            Heading::text("Status"),
        ],
    )
    .rows(
        list.iter()
            .map(|t| {
                vec![
                    Cell::HeadLink {
                        href: format!("/triggers/{}", t.id),
                        text: t.reference.clone(),
                    },
                    Cell::text(t.new.received_on.to_string()),
                    Cell::text(safer_app::trigger::channel_of(t)),
                    Cell::text(t.new.applicant_name.clone()),
                    Cell::Tag(status_tag(&t.status)),
                ]
            })
            .collect(),
    );
    Ok(view::page(&ListPage {
        chrome: Chrome::new(&app, &caller, "ASB case reviews"),
        rules: rules_text(&app.app.casework().community_trigger),
        may_record: caller
            .user
            .as_ref()
            .is_some_and(|u| u.has_any(TRIGGER_HANDLERS)),
        table,
    }))
}

/// GET /triggers/new
pub(crate) async fn new_form(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Response {
    view::page(&form_page(&app, &caller, false, None, Vec::new()))
}

/// POST /triggers/new
pub(crate) async fn record(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, WebError> {
    let f = Fields::parse(&body);
    let a = match application_of(&f) {
        Ok(a) => a,
        Err(e) => {
            return Ok(view::render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(&app, &caller, false, Some(&f), vec![e]),
            ));
        }
    };
    match app
        .app
        .record_case_review_application(&caller.actor(), &a)
        .await
    {
        Ok(id) => Ok(http::redirect(&format!("/triggers/{id}?done=recorded"))),
        Err(AppError::Invalid(m)) => Ok(view::render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&app, &caller, false, Some(&f), vec![(field_of(&m), m)]),
        )),
        Err(e) => Err(e.into()),
    }
}

struct RecommendationLine {
    id: i64,
    body: String,
    text: String,
    due: Date,
    status: &'static str,
    update: String,
}

#[derive(Template)]
#[template(path = "trigger.html")]
struct TriggerPage {
    chrome: Chrome,
    errors: Errors,
    done: Option<&'static str>,
    id: TriggerId,
    reference: String,
    status: Tag,
    flags: Vec<String>,
    summary: Vec<(&'static str, String)>,
    clocks: Table,
    finding: String,
    routes: Table,
    timeline: Table,
    letters: Vec<(String, &'static str)>,
    recommendations: Vec<RecommendationLine>,
    may_handle: bool,
    acknowledged: bool,
    decided: bool,
    met: bool,
    reviewed: bool,
    appealed: bool,
    appeal_decided: bool,
    closed: bool,
    appeal_to: &'static str,
    agencies: Vec<Choice>,
    lead: String,
    today: String,
}

pub(crate) fn clock_cell(s: &ClockState) -> (String, Tag) {
    match *s {
        ClockState::OnTime { due, days_left } => (
            format!("Due {due} ({days_left} day{} left)", plural(days_left)),
            Tag {
                label: "On time",
                colour: "govuk-tag--blue",
            },
        ),
        ClockState::DueToday { due } => (
            format!("Due today, {due}"),
            Tag {
                label: "Due today",
                colour: "govuk-tag--yellow",
            },
        ),
        ClockState::Overdue { due, days_late } => (
            format!("Was due {due}: {days_late} day{} late", plural(days_late)),
            Tag {
                label: "Overdue",
                colour: "govuk-tag--red",
            },
        ),
        ClockState::Met { due, on, late_by } => (
            if late_by == 0 {
                format!("Done {on} (due {due})")
            } else {
                format!("Done {on}, {late_by} day{} after {due}", plural(late_by))
            },
            Tag {
                label: if late_by == 0 { "Met" } else { "Met late" },
                colour: if late_by == 0 {
                    "govuk-tag--green"
                } else {
                    "govuk-tag--orange"
                },
            },
        ),
    }
}

fn plural(n: i64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn trigger_page(
    app: &AppState,
    caller: &Caller,
    file: TriggerFile,
    agencies: Vec<Choice>,
    done: Option<&'static str>,
    errors: Vec<(&'static str, String)>,
) -> TriggerPage {
    let t = &file.stored;
    let a = &file.assessment;
    let mut flags = Vec::new();
    for (reference, on) in &file.earlier {
        flags.push(format!(
            "The applicant applied before, on {on} ({reference}): this may be a second application about the same behaviour. Tell the reviewer."
        ));
    }
    let mut summary = vec![
        (
            "Received",
            format!(
                "{} by {}",
                t.new.received_on,
                safer_app::trigger::channel_of(t)
            ),
        ),
        (
            "Applicant",
            format!("{} ({})", t.new.applicant_name, t.new.applicant_contact),
        ),
    ];
    if let Some(v) = &t.new.victim_name {
        summary.push((
            "On behalf of",
            format!(
                "{v}{}, with their consent",
                t.new
                    .relationship
                    .as_ref()
                    .map_or_else(String::new, |r| format!(" ({r})"))
            ),
        ));
    }
    summary.push(("Where", t.new.address.clone()));
    summary.push(("The behaviour", t.new.behaviour.clone()));
    summary.push((
        "Believes no effective action was taken",
        if t.new.no_effective_action {
            "Yes"
        } else {
            "No"
        }
        .into(),
    ));
    summary.push((
        "Youth ASB an aggravating factor",
        if t.new.youth { "Yes" } else { "No" }.into(),
    ));
    summary.push((
        "Lead agency",
        file.lead_agency
            .clone()
            .unwrap_or_else(|| "Not yet named".into()),
    ));
    if !file.cases.is_empty() {
        summary.push((
            "Linked cases",
            file.cases
                .iter()
                .map(|(c, visible)| {
                    if *visible {
                        format!("case {c}")
                    } else {
                        "a case you may not see".to_owned()
                    }
                })
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    if let Some(n) = &t.decision_note
        && !n.is_empty()
    {
        summary.push(("Reasons for the decision", n.clone()));
    }
    if let Some(on) = t.review_on {
        summary.push((
            "Review meeting",
            format!(
                "{on}{}",
                if t.victim_invited == Some(true) {
                    ", the victim invited"
                } else {
                    ""
                }
            ),
        ));
    }
    if let Some(o) = &t.outcome {
        summary.push(("Outcome", o.clone()));
    }
    if let Some(g) = &t.appeal_grounds {
        summary.push(("Appeal", g.clone()));
    }
    if let Some(o) = &t.appeal_outcome {
        summary.push(("Appeal decision", o.clone()));
    }
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
            .map(|c| {
                let (text, tag) = clock_cell(&c.state);
                vec![Cell::head(c.what), Cell::text(text), Cell::Tag(tag)]
            })
            .collect(),
    );
    let finding = if a.met {
        format!(
            "The rules find the threshold met{}.",
            a.route
                .map_or_else(String::new, |r| format!(": {}", r.label().to_lowercase()))
        )
    } else if a.waits_on_no_effective_action() {
        "A local route is met, but the applicant did not say they believe no effective action was taken, which the local threshold asks for.".into()
    } else {
        "The rules do not find the threshold met.".into()
    };
    let routes = Table::new(
        "The routes to the threshold",
        vec![
            Heading::text("Route"),
            Heading::num("Counted"),
            Heading::num("Needed"),
            Heading::text("Met"),
        ],
    )
    .rows(
        a.routes
            .iter()
            .map(|r| {
                vec![
                    Cell::head(r.route.label()),
                    Cell::num(r.counted.to_string()),
                    Cell::num(r.needed.to_string()),
                    Cell::text(if r.met { "Yes" } else { "No" }),
                ]
            })
            .collect(),
    );
    let local_routes: Vec<Route> = a
        .routes
        .iter()
        .map(|r| r.route)
        .filter(|r| *r != Route::Statutory)
        .collect();
    let mut head = vec![
        Heading::text("Happened"),
        Heading::text("Reported"),
        Heading::text("To"),
        Heading::text("Complaint"),
        Heading::text("Statutory"),
    ];
    for r in &local_routes {
        head.push(Heading::text(r.label()));
    }
    let timeline = Table::new("The complaints, and whether each counted", head).rows(
        a.timeline
            .iter()
            .map(|e| {
                let mut row = vec![
                    Cell::text(e.behaviour_on.to_string()),
                    Cell::text(e.reported_on.to_string()),
                    Cell::text(e.reported_to.clone()),
                    Cell::head(format!(
                        "{}{}",
                        e.complaint,
                        if e.hate { " (hate)" } else { "" }
                    )),
                    Cell::text(explain_verdict(&e.verdict)),
                ];
                for r in &local_routes {
                    row.push(Cell::text(
                        e.verdict_on(*r)
                            .map_or_else(|| "–".to_owned(), explain_verdict),
                    ));
                }
                row
            })
            .collect(),
    );
    let id = t.id;
    let decided = file.decided;
    let met = matches!(t.status.as_str(), "threshold_met" | "reviewed");
    let mut letters = vec![(
        format!("/triggers/{id}/letter?kind=acknowledgement"),
        LetterKind::Acknowledgement.label(),
    )];
    if decided {
        let kind = if met {
            LetterKind::ThresholdMet
        } else {
            LetterKind::ThresholdNotMet
        };
        letters.push((
            format!("/triggers/{id}/letter?kind={}", kind.as_str()),
            kind.label(),
        ));
    }
    if t.reviewed_on.is_some() {
        letters.push((
            format!("/triggers/{id}/letter?kind=outcome"),
            LetterKind::Outcome.label(),
        ));
    }
    let recommendations = t
        .recommendations
        .iter()
        .map(|r| RecommendationLine {
            id: r.id,
            body: r.body.clone(),
            text: r.text.clone(),
            due: r.due,
            status: match r.status.as_str() {
                "done" => "Done",
                "not_accepted" => "Not accepted",
                _ => "Open",
            },
            update: r.update_text.clone(),
        })
        .collect();
    TriggerPage {
        chrome: Chrome::new(app, caller, format!("ASB case review {}", t.reference))
            .with_errors(!errors.is_empty()),
        errors: Errors(errors),
        done,
        id,
        reference: t.reference.clone(),
        status: status_tag(&t.status),
        flags,
        summary,
        clocks,
        finding,
        routes,
        timeline,
        letters,
        recommendations,
        may_handle: caller
            .user
            .as_ref()
            .is_some_and(|u| u.has_any(TRIGGER_HANDLERS)),
        acknowledged: t.acknowledged_on.is_some(),
        decided,
        met,
        reviewed: t.reviewed_on.is_some(),
        appealed: t.appeal_requested_on.is_some(),
        appeal_decided: t.appeal_decided_on.is_some(),
        closed: t.closed_on.is_some(),
        appeal_to: file.appeal_to,
        agencies,
        lead: t.lead_agency_id.map(|a| a.to_string()).unwrap_or_default(),
        today: app.app.today().to_string(),
    }
}

async fn agency_choices(app: &AppState) -> Result<Vec<Choice>, WebError> {
    Ok(app
        .app
        .agencies()
        .await?
        .into_iter()
        .map(|a| Choice::new(a.id.to_string(), a.name))
        .collect())
}

fn done_text(q: &DoneQuery) -> Option<&'static str> {
    Some(match q.done.as_deref()? {
        "recorded" => "The application is recorded.",
        "acknowledged" => "The application is recorded as acknowledged.",
        "lead" => "The lead agency is named.",
        "complaint" => "The complaint is added.",
        "case" => "The case is linked: its incidents count as complaints.",
        "decided" => "The threshold decision is recorded. Send the applicant the decision letter.",
        "meeting" => "The review meeting is set.",
        "reviewed" => "The review is recorded. Send the applicant the outcome letter.",
        "recommended" => "The recommendation is added.",
        "followed" => "The recommendation's follow-up is recorded.",
        "appeal" => "The appeal is recorded.",
        "appeal_decided" => "The appeal's decision is recorded.",
        "closed" => "The application is closed.",
        _ => return None,
    })
}

/// GET /triggers/{id}
pub(crate) async fn application(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let id: TriggerId = id_of(&id)?;
    let file = app.app.case_review_application(&caller.actor(), id).await?;
    let agencies = agency_choices(&app).await?;
    Ok(view::page(&trigger_page(
        &app,
        &caller,
        file,
        agencies,
        done_text(&q),
        vec![],
    )))
}

/// What a handling form asks of the application layer.
enum Step {
    Acknowledge,
    Lead,
    Complaint,
    Case,
    Decision,
    Meeting,
    Review,
    Recommend,
    FollowUp(i64),
    Appeal,
    AppealDecision,
    Close,
}

async fn handle(
    app: &AppState,
    caller: &Caller,
    id: &str,
    body: &Bytes,
    step: Step,
) -> Result<Response, WebError> {
    let id: TriggerId = id_of(id)?;
    let f = Fields::parse(body);
    let actor = caller.actor();
    let day = |name: &str| -> Result<Option<Date>, AppError> {
        let v = f.one(name);
        if v.is_empty() {
            return Ok(None);
        }
        v.parse()
            .map(Some)
            .map_err(|_| AppError::Invalid(format!("Enter the date as YYYY-MM-DD, not {v:?}.")))
    };
    let need_day = |name: &str| -> Result<Date, AppError> {
        day(name)?.ok_or_else(|| AppError::Invalid("Enter the date as YYYY-MM-DD.".into()))
    };
    let t = &app.app;
    let (done, field, result): (&str, &'static str, Result<(), AppError>) = match step {
        Step::Acknowledge => (
            "acknowledged",
            "decision",
            t.acknowledge_case_review(&actor, id, None).await,
        ),
        Step::Lead => (
            "lead",
            "decision",
            match f.one("agency").parse::<AgencyId>() {
                Ok(a) => t.lead_case_review(&actor, id, a).await,
                Err(_) => Err(AppError::Invalid("Choose the lead agency.".into())),
            },
        ),
        Step::Complaint => (
            "complaint",
            "complaint",
            async {
                let behaviour_on = need_day("happened")?;
                let reported_on = day("reported")?.unwrap_or(behaviour_on);
                t.add_case_review_complaint(
                    &actor,
                    id,
                    TriggerComplaint {
                        behaviour_on,
                        reported_on,
                        reported_to: f.one("to"),
                        incident_ref: Some(f.one("incident")).filter(|s| !s.is_empty()),
                        complainant: Some(f.one("complainant")).filter(|s| !s.is_empty()),
                        hate: f.one("hate") == "yes",
                        text: String::new(),
                    },
                )
                .await
            }
            .await,
        ),
        Step::Case => (
            "case",
            "complaint",
            match f.one("case").parse::<CaseId>() {
                Ok(c) => t.link_case_review_case(&actor, id, c).await,
                Err(_) => Err(AppError::Invalid("Enter the case's number.".into())),
            },
        ),
        Step::Decision => {
            let note = f.one("note");
            let d = match f.one("decision").as_str() {
                "met" => Ok(ThresholdDecision::Met { note }),
                "not_met" => Ok(ThresholdDecision::NotMet { note }),
                "rejected" => Ok(ThresholdDecision::Rejected { note }),
                _ => Err(AppError::Invalid("Choose the decision.".into())),
            };
            (
                "decided",
                "decision",
                match d {
                    Ok(d) => t.decide_case_review(&actor, id, d, None).await,
                    Err(e) => Err(e),
                },
            )
        }
        Step::Meeting => (
            "meeting",
            "meeting",
            match need_day("on") {
                Ok(on) => {
                    t.schedule_case_review(&actor, id, on, f.one("victim_invited") == "yes")
                        .await
                }
                Err(e) => Err(e),
            },
        ),
        Step::Review => (
            "reviewed",
            "outcome",
            match day("on") {
                Ok(on) => {
                    t.record_case_review(&actor, id, on, &f.one("outcome"), None)
                        .await
                }
                Err(e) => Err(e),
            },
        ),
        Step::Recommend => (
            "recommended",
            "recommendation",
            match need_day("due") {
                Ok(due) => {
                    t.recommend(&actor, id, &f.one("body"), &f.one("text"), due)
                        .await
                }
                Err(e) => Err(e),
            },
        ),
        Step::FollowUp(rec) => (
            "followed",
            "recommendation",
            t.update_recommendation(&actor, id, rec, &f.one("status"), &f.one("text"))
                .await,
        ),
        Step::Appeal => (
            "appeal",
            "appeal",
            t.appeal_case_review(&actor, id, Some(&f.one("grounds")), None)
                .await,
        ),
        Step::AppealDecision => (
            "appeal_decided",
            "appeal",
            t.appeal_case_review(&actor, id, None, Some(&f.one("outcome")))
                .await,
        ),
        Step::Close => ("closed", "decision", t.close_case_review(&actor, id).await),
    };
    match result {
        Ok(()) => Ok(http::redirect(&format!("/triggers/{id}?done={done}"))),
        Err(AppError::Invalid(m) | AppError::Conflict(m)) => {
            let file = app.app.case_review_application(&actor, id).await?;
            let agencies = agency_choices(app).await?;
            Ok(view::render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &trigger_page(app, caller, file, agencies, None, vec![(field, m)]),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

macro_rules! handler {
    ($name:ident, $step:expr) => {
        pub(crate) async fn $name(
            State(app): State<AppState>,
            Extension(caller): Extension<Caller>,
            Path(id): Path<String>,
            body: Bytes,
        ) -> Result<Response, WebError> {
            handle(&app, &caller, &id, &body, $step).await
        }
    };
}

handler!(acknowledge, Step::Acknowledge);
handler!(lead, Step::Lead);
handler!(complaint, Step::Complaint);
handler!(link_case, Step::Case);
handler!(decide, Step::Decision);
handler!(meeting, Step::Meeting);
handler!(review, Step::Review);
handler!(recommend, Step::Recommend);
handler!(appeal, Step::Appeal);
handler!(appeal_decision, Step::AppealDecision);
handler!(close, Step::Close);

/// POST /triggers/{id}/recommendations/{rec}
pub(crate) async fn follow_up(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((id, rec)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let rec: i64 = rec
        .parse()
        .map_err(|_| WebError::NotFound("There is no such recommendation.".into()))?;
    handle(&app, &caller, &id, &body, Step::FollowUp(rec)).await
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct LetterQuery {
    kind: String,
}

#[derive(Template)]
#[template(path = "letter.html")]
struct LetterPage {
    heading: String,
    date: Date,
    paragraphs: Vec<Vec<String>>,
    pdf_href: String,
    back: String,
}

async fn letter_html(
    app: &AppState,
    caller: &Caller,
    id: &str,
    q: &LetterQuery,
) -> Result<(String, String), WebError> {
    let id: TriggerId = id_of(id)?;
    let kind = LetterKind::parse(&q.kind)
        .ok_or_else(|| WebError::NotFound(format!("There is no letter {:?}.", q.kind)))?;
    let (file, text) = app
        .app
        .case_review_letter(&caller.actor(), id, kind)
        .await?;
    let paragraphs = text
        .split("\n\n")
        .map(|p| p.lines().map(str::to_owned).collect::<Vec<_>>())
        .filter(|p: &Vec<String>| !p.is_empty())
        .collect();
    let page = LetterPage {
        heading: format!("{}: {}", file.stored.reference, kind.label()),
        date: app.app.today(),
        paragraphs,
        pdf_href: format!("/triggers/{id}/letter.pdf?kind={}", kind.as_str()),
        back: format!("/triggers/{id}"),
    };
    let html = page
        .render()
        .map_err(|e| WebError::Internal(format!("rendering the letter: {e}")))?;
    Ok((html, format!("{}-{}", file.stored.reference, kind.as_str())))
}

/// GET /triggers/{id}/letter?kind=
pub(crate) async fn letter(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(q): Query<LetterQuery>,
) -> Result<Response, WebError> {
    let (html, _) = letter_html(&app, &caller, &id, &q).await?;
    Ok(super::report_response(html))
}

/// GET /triggers/{id}/letter.pdf?kind=
pub(crate) async fn letter_pdf(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(q): Query<LetterQuery>,
) -> Result<Response, WebError> {
    let (html, name) = letter_html(&app, &caller, &id, &q).await?;
    super::pdf_download(html, &name, "letter").await
}
