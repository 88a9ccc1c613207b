//! `/plans/{id}/measures/{measure}`: a measure with its values by quarter,
//! who entered each and when; community safety officers record and
//! correct the values of measures entered by hand.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Form};
use safer_domain::{MeasureSource, Plan};

use crate::auth::Caller;
use crate::input::validate_value;
use crate::pages::dashboard::quarter_label;
use crate::pages::plans::{source_text, target_text};
use crate::view::{self, Cell, Choice, Chrome, Errors, Heading, Table};
use crate::{AppState, WebError, http, routes};

#[derive(Template)]
#[template(path = "measure.html")]
struct MeasurePage {
    chrome: Chrome,
    banner: Option<String>,
    errors: Errors,
    plan_title: String,
    priority_number: u32,
    priority_title: String,
    text: String,
    target: String,
    source: String,
    unit: String,
    /// The plan's values of the baseline year, by quarter.
    baseline_values: Option<String>,
    manual: bool,
    values: Option<Table>,
    corrections: Option<Table>,
    may_record: bool,
    action: String,
    quarters: Vec<Choice>,
    quarter: String,
    value: String,
    note: String,
    back_href: String,
    /// The commentary of each quarter, for the reports.
    commentaries: Option<Table>,
    may_comment: bool,
    comment_action: String,
    comment_quarters: Vec<Choice>,
    comment_quarter: String,
    comment_text: String,
    comment_limit: String,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct MeasureQuery {
    /// The quarter just recorded, for the success banner.
    recorded: Option<String>,
    /// The quarter whose commentary was just saved.
    commented: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct CommentaryForm {
    comment_quarter: String,
    commentary: String,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct ValueForm {
    quarter: String,
    value: String,
    note: String,
}

/// The quarter a new value is most likely for: the latest of the plan's
/// quarters that has ended by today.
fn default_quarter(plan: &Plan, today: safer_domain::Date) -> String {
    let quarters = safer_app::plan_quarters(plan);
    quarters
        .iter()
        .rev()
        .find(|q| safer_domain::Date::end_of(**q) < today)
        .or(quarters.first())
        .map(ToString::to_string)
        .unwrap_or_default()
}

async fn page(
    app: &AppState,
    caller: &Caller,
    (plan_id, measure_id): (&str, &str),
    banner: Option<String>,
    form: &ValueForm,
    comment: &CommentaryForm,
    errors: Vec<(&'static str, String)>,
) -> Result<Response, WebError> {
    let actor = caller.actor();
    let plan = app.app.plan(&actor, plan_id).await?;
    let Some((p, m)) = plan.measures().find(|(_, m)| m.id == measure_id) else {
        return Err(WebError::NotFound(format!(
            "The plan has no measure {measure_id:?}."
        )));
    };
    let manual = matches!(m.source, MeasureSource::Manual);
    let (values, entries) = if manual {
        (
            app.app.values(&actor, &plan.id, &m.id).await?,
            app.app.value_entries(&actor, &plan.id, &m.id).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let head = || {
        vec![
            Heading::text("Quarter"),
            Heading::num("Value"),
            Heading::text("Source note"),
            Heading::text("Entered by"),
            Heading::text("When (UTC)"),
        ]
    };
    let row = |v: &safer_app::MeasureValue| {
        vec![
            Cell::head(quarter_label(v.quarter)),
            Cell::num(view::figure(Some(v.value))),
            Cell::text(v.note.clone()),
            Cell::text(v.entered_by.clone()),
            Cell::text(v.entered_at.clone()),
        ]
    };
    let values_table = (!values.is_empty())
        .then(|| Table::new("Values by quarter", head()).rows(values.iter().map(row).collect()));
    let corrections = (entries.len() > values.len()).then(|| {
        Table::new("Every entry", head())
            .quiet()
            .rows(entries.iter().map(row).collect())
    });
    let path = format!(
        "/plans/{}/measures/{}",
        http::url_encode(&plan.id),
        http::url_encode(&m.id)
    );
    let commentary = app.app.commentaries(&actor, &plan.id, &m.id).await?;
    let commentaries = (!commentary.is_empty()).then(|| {
        Table::new(
            "Commentary by quarter",
            vec![
                Heading::text("Quarter"),
                Heading::text("Commentary"),
                Heading::text("Written by"),
                Heading::text("When (UTC)"),
            ],
        )
        .rows(
            commentary
                .iter()
                .map(|c| {
                    vec![
                        Cell::head(quarter_label(c.quarter)),
                        Cell::text(c.text.clone()),
                        Cell::text(c.written_by.clone()),
                        Cell::text(c.written_at.clone()),
                    ]
                })
                .collect(),
        )
    });
    let comment_quarter = if comment.comment_quarter.is_empty() {
        default_quarter(&plan, app.app.today())
    } else {
        comment.comment_quarter.clone()
    };
    // The form opens with what is written for its quarter.
    let comment_text = if comment.comment_quarter.is_empty() {
        commentary
            .iter()
            .find(|c| c.quarter.to_string() == comment_quarter)
            .map(|c| c.text.clone())
            .unwrap_or_default()
    } else {
        comment.commentary.clone()
    };
    let has_errors = !errors.is_empty();
    let status = if has_errors {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let quarter = if form.quarter.is_empty() {
        default_quarter(&plan, app.app.today())
    } else {
        form.quarter.clone()
    };
    Ok(view::render(
        status,
        &MeasurePage {
            chrome: Chrome::new(app, caller, m.text.clone()).with_errors(has_errors),
            banner,
            errors: Errors(errors),
            plan_title: plan.title.clone(),
            priority_number: p.number,
            priority_title: p.title.clone(),
            text: m.text.clone(),
            target: target_text(&m.target, m.baseline),
            source: source_text(&m.source),
            unit: m.unit.clone(),
            baseline_values: m
                .baseline
                .filter(|_| !m.baseline_values.is_empty())
                .map(|y| {
                    format!(
                        "{y}: {} (a value entered here for one of those quarters takes its place)",
                        safer_report::baseline_values_text(&m.baseline_values)
                    )
                }),
            manual,
            values: values_table,
            corrections,
            may_record: routes::find(routes::Method::Post, "/plans/{id}/measures/{measure}")
                .is_some_and(|r| r.allows(caller.user.as_ref())),
            action: path.clone(),
            quarters: safer_app::value_quarters(&plan, m)
                .into_iter()
                .map(|q| Choice::new(q.to_string(), quarter_label(q)))
                .collect(),
            quarter,
            value: form.value.clone(),
            note: form.note.clone(),
            back_href: format!(
                "/plans/{}#priority-{}",
                http::url_encode(&plan.id),
                http::url_encode(&p.id)
            ),
            commentaries,
            may_comment: routes::find(
                routes::Method::Post,
                "/plans/{id}/measures/{measure}/commentary",
            )
            .is_some_and(|r| r.allows(caller.user.as_ref())),
            comment_action: format!("{path}/commentary"),
            comment_quarters: safer_app::plan_quarters(&plan)
                .into_iter()
                .map(|q| Choice::new(q.to_string(), quarter_label(q)))
                .collect(),
            comment_quarter,
            comment_text,
            comment_limit: view::thousands(safer_app::COMMENTARY_LIMIT as u64),
        },
    ))
}

pub(crate) async fn measure(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((plan_id, measure_id)): Path<(String, String)>,
    Query(q): Query<MeasureQuery>,
) -> Result<Response, WebError> {
    let banner = q
        .recorded
        .as_deref()
        .and_then(|s| s.parse::<safer_domain::Quarter>().ok())
        .map(|q| format!("The value for {} is saved.", quarter_label(q)))
        .or_else(|| {
            q.commented
                .as_deref()
                .and_then(|s| s.parse::<safer_domain::Quarter>().ok())
                .map(|q| format!("The commentary for {} is saved.", quarter_label(q)))
        });
    page(
        &app,
        &caller,
        (&plan_id, &measure_id),
        banner,
        &ValueForm::default(),
        &CommentaryForm::default(),
        Vec::new(),
    )
    .await
}

pub(crate) async fn record(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((plan_id, measure_id)): Path<(String, String)>,
    Form(form): Form<ValueForm>,
) -> Result<Response, WebError> {
    let v = match validate_value(&form.quarter, &form.value, &form.note) {
        Ok(v) => v,
        Err(errors) => {
            return page(
                &app,
                &caller,
                (&plan_id, &measure_id),
                None,
                &form,
                &CommentaryForm::default(),
                errors,
            )
            .await;
        }
    };
    match app
        .app
        .record_value(
            &caller.actor(),
            &plan_id,
            &measure_id,
            v.quarter,
            v.value,
            &v.note,
        )
        .await
    {
        Ok(()) => Ok(http::redirect(&format!(
            "/plans/{}/measures/{}?recorded={}",
            http::url_encode(&plan_id),
            http::url_encode(&measure_id),
            v.quarter
        ))),
        Err(safer_app::AppError::Invalid(m)) => {
            page(
                &app,
                &caller,
                (&plan_id, &measure_id),
                None,
                &form,
                &CommentaryForm::default(),
                vec![("quarter", m)],
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// POST: a measure's commentary for a quarter, for the performance reports.
pub(crate) async fn comment(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((plan_id, measure_id)): Path<(String, String)>,
    Form(form): Form<CommentaryForm>,
) -> Result<Response, WebError> {
    let again = |errors: Vec<(&'static str, String)>| {
        let (app, caller, plan_id, measure_id, form) =
            (&app, &caller, &plan_id, &measure_id, &form);
        async move {
            page(
                app,
                caller,
                (plan_id, measure_id),
                None,
                &ValueForm::default(),
                form,
                errors,
            )
            .await
        }
    };
    let Ok(quarter) = form.comment_quarter.trim().parse::<safer_domain::Quarter>() else {
        return again(vec![("comment_quarter", "Choose the quarter.".into())]).await;
    };
    match app
        .app
        .write_commentary(
            &caller.actor(),
            &plan_id,
            &measure_id,
            quarter,
            &form.commentary,
        )
        .await
    {
        Ok(()) => Ok(http::redirect(&format!(
            "/plans/{}/measures/{}?commented={quarter}",
            http::url_encode(&plan_id),
            http::url_encode(&measure_id),
        ))),
        Err(safer_app::AppError::Invalid(m)) => again(vec![("commentary", m)]).await,
        Err(e) => Err(e.into()),
    }
}
