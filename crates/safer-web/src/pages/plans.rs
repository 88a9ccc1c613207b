//! `/plans/{id}`: a plan (priorities, objectives, responses, measures) and
//! its action plans; `/plans/{id}/report`: the printable quarterly report;
//! `/actions/{id}/update`: recording an action's progress.
//!
//! The agency rule (an agency lead may update only the actions whose lead
//! agency is their own agency; JAG coordinators and community safety
//! officers may update any) is the app's: an action outside the caller's
//! scope is not found, and the plan page offers "Update" only where the
//! scope allows.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Form};
use safer_domain::{Action, ActionId, ActionStatus, Date, MeasureSource, TargetKind};

use crate::auth::Caller;
use crate::html::{self, esc};
use crate::pages::id_of;
use crate::{AppState, WebError, data};

pub(crate) fn target_text(t: &TargetKind, baseline: Option<safer_domain::FinancialYear>) -> String {
    let base = baseline.map_or_else(|| "the baseline".to_owned(), |b| b.to_string());
    match t {
        TargetKind::ReduceBy { percent } => format!("Reduce by {percent}% on {base}"),
        TargetKind::IncreaseBy { percent } => format!("Increase by {percent}% on {base}"),
        TargetKind::YearOnYearReduction => "Better than the same months of the year before".into(),
        TargetKind::ReachLevel { level } => format!("Reach {level}"),
        TargetKind::Monitor => "Monitored, no target".into(),
    }
}

pub(crate) fn source_text(s: &MeasureSource) -> String {
    match s {
        MeasureSource::PoliceUk { category } => format!("police.uk: {category}"),
        MeasureSource::Manual => "Entered each quarter".into(),
        MeasureSource::CaseRecords { record } => {
            format!("Case records: {}", record.replace('_', " "))
        }
        MeasureSource::NeedsData { needs } => format!("Needs data Safer does not hold: {needs}"),
    }
}

fn statements(heading: &str, items: &[safer_domain::Statement]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let li: String = items
        .iter()
        .map(|s| format!("<li>{}</li>", esc(&s.text)))
        .collect();
    format!(
        "<h3 class=\"govuk-heading-s\">{}</h3><ul class=\"govuk-list govuk-list--bullet\">{li}</ul>\n",
        esc(heading)
    )
}

pub(crate) async fn plan(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let actor = caller.actor();
    let plan = app.app.plan(&actor, &id).await?;
    let actions = app.app.actions(&actor, &plan.id).await?;
    let scope = app.app.action_scope(&actor);
    let today = app.app.today();
    let mut b = format!(
        "<span class=\"govuk-caption-l\">{} to {}</span><h1 class=\"govuk-heading-xl\">{}</h1>\n",
        esc(&plan.first_year.to_string()),
        esc(&plan.last_year.to_string()),
        esc(&plan.title)
    );
    if let Some(v) = &plan.vision {
        b.push_str(&format!(
            "<div class=\"govuk-inset-text\"><strong>Vision:</strong> {}</div>\n",
            esc(v)
        ));
    }
    b.push_str(&format!(
        "<p class=\"govuk-body-s\">Source: {}</p>\n<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/?plan={}\">Measures by quarter on the dashboard</a></p>\n",
        esc(&plan.source),
        html::url_encode(&plan.id)
    ));
    b.push_str("<nav aria-label=\"Priorities\"><h2 class=\"govuk-heading-m\">Priorities</h2><ol class=\"govuk-list govuk-list--number\">");
    for p in &plan.priorities {
        b.push_str(&format!(
            "<li><a class=\"govuk-link\" href=\"#priority-{}\">{}</a></li>",
            esc(&p.id),
            esc(&p.title)
        ));
    }
    b.push_str("</ol></nav>\n");
    for p in &plan.priorities {
        b.push_str(&format!(
            "<h2 class=\"govuk-heading-l\" id=\"priority-{}\">Priority {}: {}</h2>\n",
            esc(&p.id),
            p.number,
            esc(&p.title)
        ));
        if !p.why.is_empty() {
            b.push_str("<h3 class=\"govuk-heading-s\">Why is this a priority?</h3>");
            for w in &p.why {
                b.push_str(&format!("<p class=\"govuk-body\">{}</p>", esc(w)));
            }
        }
        b.push_str(&statements("What will we aim to achieve?", &p.objectives));
        b.push_str(&statements("How will we respond?", &p.responses));
        if !p.measures.is_empty() {
            let rows: Vec<Vec<String>> = p
                .measures
                .iter()
                .map(|m| {
                    vec![
                        html::row_header(esc(&m.text)),
                        esc(&target_text(&m.target, m.baseline)),
                        esc(&source_text(&m.source)),
                    ]
                })
                .collect();
            b.push_str(&html::table(
                "How will we measure success?",
                &["Measure", "Target", "Data"],
                &rows,
            ));
        }
        let mine: Vec<&Action> = actions.iter().filter(|a| a.priority_id == p.id).collect();
        b.push_str("<h3 class=\"govuk-heading-m\">Action plan</h3>\n");
        if mine.is_empty() {
            b.push_str(
                "<p class=\"govuk-body\">No actions have been recorded for this priority.</p>\n",
            );
            continue;
        }
        let rows: Vec<Vec<String>> = mine
            .iter()
            .map(|a| {
                let overdue = if a.is_overdue(today) {
                    " <strong class=\"govuk-tag govuk-tag--red\">Overdue</strong>"
                } else {
                    ""
                };
                let latest = a.updates.last().map_or_else(
                    || "No updates yet".to_owned(),
                    |u| {
                        format!(
                            "{}: {} <span class=\"safer-secondary\">({})</span>",
                            esc(&u.date.to_string()),
                            esc(&u.text),
                            esc(&u.author)
                        )
                    },
                );
                let link = if scope.is_some_and(|s| s.allows(a.lead_agency_id)) {
                    format!(
                        "<a class=\"govuk-link\" href=\"/actions/{}/update\">Update<span class=\"govuk-visually-hidden\"> action {}</span></a>",
                        a.id, a.id
                    )
                } else {
                    String::new()
                };
                vec![
                    html::row_header(format!(
                        "<span id=\"action-{}\">{}</span><span class=\"govuk-body-s safer-secondary\">{} · target: {}</span>",
                        a.id,
                        esc(&a.key_action),
                        a.aim.label(),
                        esc(&a.outcome_target)
                    )),
                    esc(&a.lead_agency),
                    esc(&a.due.to_string()),
                    format!("{}{overdue}", html::action_tag(a.status)),
                    latest,
                    link,
                ]
            })
            .collect();
        b.push_str(&html::table(
            &format!("Actions of priority {}", p.number),
            &[
                "Action",
                "Lead agency",
                "Due",
                "Status",
                "Latest update",
                "",
            ],
            &rows,
        ));
    }
    Ok(html::page(&app, &caller, &plan.title, &b))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct QuarterQuery {
    quarter: Option<String>,
}

/// The printable quarterly report, as `safer report quarterly` writes it.
pub(crate) async fn report(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(q): Query<QuarterQuery>,
) -> Result<Response, WebError> {
    let quarter = data::parse_quarter(q.quarter.as_deref())?;
    let r = data::review(&app, &caller, &id, quarter).await?;
    let meta = safer_report::ReportMeta {
        partnership_name: r.partnership.as_ref().map(|p| p.partnership.name.clone()),
        generated_at: data::now_utc(&app),
    };
    let html = safer_report::render_quarterly_html(&r.review, r.fund.as_ref(), &meta);
    Ok(super::report_response(html))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct UpdateForm {
    status: String,
    text: String,
    date: String,
}

/// The most an update's text may hold.
pub(crate) const MAX_TEXT: usize = 4000;

/// An update as entered, checked: its status, text and date.
pub(crate) struct CheckedUpdate {
    pub status: ActionStatus,
    pub text: String,
    pub date: Date,
}

/// Checks an update as entered; errors are (field, message). An empty date
/// is `today`.
pub(crate) fn validate_update(
    status: &str,
    text: &str,
    date: Option<&str>,
    today: Date,
) -> Result<CheckedUpdate, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let status = ActionStatus::parse(status);
    if status.is_none() {
        errors.push(("status", "Select the action's status".to_owned()));
    }
    let text = text.trim();
    if text.is_empty() {
        errors.push((
            "text",
            "Enter what has happened since the last update".to_owned(),
        ));
    } else if text.chars().count() > MAX_TEXT {
        errors.push((
            "text",
            format!("The update must be {MAX_TEXT} characters or fewer"),
        ));
    }
    let date = match date.map(str::trim).filter(|d| !d.is_empty()) {
        None => Some(today),
        Some(d) => match d.parse::<Date>() {
            Ok(d) if d > today => {
                errors.push((
                    "date",
                    format!("The date must be today or earlier: progress is recorded when it has happened (today is {today})"),
                ));
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                errors.push((
                    "date",
                    "Enter the date as YYYY-MM-DD, for example 2024-07-31".to_owned(),
                ));
                None
            }
        },
    };
    match (status, date) {
        (Some(status), Some(date)) if errors.is_empty() => Ok(CheckedUpdate {
            status,
            text: text.to_owned(),
            date,
        }),
        _ => Err(errors),
    }
}

fn update_page(
    app: &AppState,
    caller: &Caller,
    action: &Action,
    form: &UpdateForm,
    errors: &[(&str, String)],
) -> Response {
    let today = app.app.today();
    let err = |f: &str| {
        errors
            .iter()
            .find(|(x, _)| *x == f)
            .map(|(_, m)| m.as_str())
    };
    let summary: Vec<(&str, &str)> = errors.iter().map(|(f, m)| (*f, m.as_str())).collect();
    let mut b = html::error_summary(&summary);
    b.push_str(&format!(
        "<span class=\"govuk-caption-l\">Action {} · led by {}</span><h1 class=\"govuk-heading-l\">Update the action</h1>\n<p class=\"govuk-body-l\">{}</p>\n",
        action.id,
        esc(&action.lead_agency),
        esc(&action.key_action)
    ));
    b.push_str(&format!(
        "<dl class=\"govuk-summary-list\"><div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Due</dt><dd class=\"govuk-summary-list__value\">{}</dd></div><div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Outcome target</dt><dd class=\"govuk-summary-list__value\">{}</dd></div><div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Status now</dt><dd class=\"govuk-summary-list__value\">{}</dd></div></dl>\n",
        esc(&action.due.to_string()),
        esc(&action.outcome_target),
        html::action_tag(action.status)
    ));
    let options: Vec<(&str, &str)> = ActionStatus::ALL
        .iter()
        .map(|s| (s.as_str(), s.label()))
        .collect();
    let selected = if form.status.is_empty() {
        action.status.as_str()
    } else {
        form.status.as_str()
    };
    b.push_str(&format!(
        "<form method=\"post\" action=\"/actions/{}/update\" novalidate>{}\n",
        action.id,
        html::csrf_field(caller)
    ));
    b.push_str(&html::radios(
        "status",
        "Status",
        &options,
        selected,
        err("status"),
    ));
    b.push_str(&html::textarea(
        "text",
        "Progress",
        "What has been done, and what happens next.",
        &form.text,
        err("text"),
    ));
    let date = if form.date.is_empty() && errors.is_empty() {
        today.to_string()
    } else {
        form.date.clone()
    };
    b.push_str(&html::date_input(
        "date",
        "Date of the update",
        "For example, 2024-07-31",
        &date,
        err("date"),
    ));
    b.push_str(
        "<button type=\"submit\" class=\"govuk-button\">Save the update</button>\n</form>\n",
    );
    if !action.updates.is_empty() {
        let rows: Vec<Vec<String>> = action
            .updates
            .iter()
            .rev()
            .map(|u| {
                vec![
                    html::row_header(esc(&u.date.to_string())),
                    html::action_tag(u.status),
                    esc(&u.text),
                    esc(&u.author),
                ]
            })
            .collect();
        b.push_str(&html::table(
            "Earlier updates",
            &["Date", "Status", "Progress", "By"],
            &rows,
        ));
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    html::html_response(
        status,
        html::document(app, caller, "Update the action", &b, !errors.is_empty()),
    )
}

pub(crate) async fn update_form(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: ActionId = id_of(&id)?;
    let (_, action) = app.app.action_to_update(&caller.actor(), id).await?;
    Ok(update_page(
        &app,
        &caller,
        &action,
        &UpdateForm::default(),
        &[],
    ))
}

pub(crate) async fn update(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Form(form): Form<UpdateForm>,
) -> Result<Response, WebError> {
    let id: ActionId = id_of(&id)?;
    let actor = caller.actor();
    let (plan, action) = app.app.action_to_update(&actor, id).await?;
    let update = match validate_update(&form.status, &form.text, Some(&form.date), app.app.today())
    {
        Ok(u) => u,
        Err(errors) => return Ok(update_page(&app, &caller, &action, &form, &errors)),
    };
    app.app
        .update_action(&actor, id, update.status, &update.text, Some(update.date))
        .await?;
    Ok(html::redirect(&format!(
        "/plans/{}#action-{id}",
        html::url_encode(&plan.id)
    )))
}
