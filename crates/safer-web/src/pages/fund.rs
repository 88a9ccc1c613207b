//! `/fund/{partnership}/{year}`: the Partnership Locality Fund for a year
//! (allocation, projects, spend by quarter, warnings) and the return to the
//! Police and Crime Commissioner as CSV and XLSX (audited as exports).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Form};
use safer_domain::{DEFAULT_UNDERSPEND_THRESHOLD, FinancialYear, FundReturn, pounds};

use askama::Template;

use crate::auth::Caller;
use crate::http;
use crate::input::{
    AllocationForm, ProjectForm, SpendForm, validate_allocation, validate_project, validate_spend,
};
use crate::pages::{download, year_in_url};
use crate::view::{self, Cell, Choice, Chrome, Errors, Heading, Table, Tag};
use crate::{AppState, WebError, data, routes};

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct FundQuery {
    quarter: Option<String>,
    /// What was just saved, for the success banner.
    saved: Option<String>,
}

/// The return asked for: the year from the path, the quarter (1–4) from
/// the query, by default the current quarter of a current year, else 4.
/// A download (`export`) is audited as an export.
async fn fund_return(
    app: &AppState,
    caller: &Caller,
    partnership: &str,
    year: &str,
    q: &FundQuery,
    export: bool,
) -> Result<FundReturn, WebError> {
    let year: FinancialYear = year.parse().map_err(|_| {
        WebError::NotFound(format!("{year:?} is not a financial year such as 2024-25."))
    })?;
    let quarter = match q
        .quarter
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => match s.trim_start_matches(['Q', 'q']).parse::<u8>() {
            Ok(n) if (1..=4).contains(&n) => n,
            _ => {
                return Err(WebError::BadRequest(format!(
                    "The quarter must be 1, 2, 3 or 4, not {s:?}."
                )));
            }
        },
        None => app.app.fund_quarter(year),
    };
    let actor = caller.actor();
    if export {
        return Ok(app
            .app
            .fund_return(
                &actor,
                partnership,
                year,
                quarter,
                DEFAULT_UNDERSPEND_THRESHOLD,
            )
            .await?);
    }
    let fund = app.app.fund(&actor, partnership, year).await?;
    Ok(FundReturn::build(
        &fund,
        quarter,
        DEFAULT_UNDERSPEND_THRESHOLD,
    ))
}

fn file_stem(r: &FundReturn) -> String {
    format!(
        "fund-return-{}-{}-q{}",
        r.partnership,
        year_in_url(r.year),
        r.quarter.number()
    )
}

pub(crate) async fn fund(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((partnership, year)): Path<(String, String)>,
    Query(q): Query<FundQuery>,
) -> Result<Response, WebError> {
    let saved = match q.saved.as_deref() {
        Some("project") => Some("The project is added."),
        Some("spend") => Some("The spend is recorded."),
        Some("allocation") => Some("The allocation is saved."),
        _ => None,
    };
    fund_page(
        &app,
        &caller,
        (&partnership, &year),
        &q,
        saved,
        Forms::default(),
    )
    .await
}

/// The forms of the fund page as typed, and their errors.
#[derive(Default)]
struct Forms {
    project: ProjectForm,
    spend: SpendForm,
    errors: Vec<(&'static str, String)>,
}

async fn fund_page(
    app: &AppState,
    caller: &Caller,
    (partnership, year): (&str, &str),
    q: &FundQuery,
    saved: Option<&str>,
    forms: Forms,
) -> Result<Response, WebError> {
    let r = fund_return(app, caller, partnership, year, q, false).await?;
    let actor = caller.actor();
    let tag = |label, colour| Tag { label, colour };
    let projects = (!r.lines.is_empty()).then(|| {
        let mut head = vec![Heading::text("Project"), Heading::text("Lead agency")];
        for h in [
            "Budget",
            "Q1",
            "Q2",
            "Q3",
            "Q4",
            "Spent to date",
            "Remaining",
        ] {
            head.push(Heading::num(h));
        }
        head.push(Heading::text("Flags"));
        Table::new("Projects", head).rows(
            r.lines
                .iter()
                .map(|l| {
                    let p = &l.project;
                    let mut cells = vec![
                        Cell::head(p.name.clone()),
                        Cell::text(p.lead_agency.clone()),
                        Cell::num(pounds(p.budget_pence)),
                    ];
                    cells.extend(p.spend_pence.iter().map(|s| Cell::num(pounds(*s))));
                    cells.push(Cell::num(pounds(l.spent_to_date_pence)));
                    cells.push(Cell::num(pounds(l.remaining_pence)));
                    let mut flags = Vec::new();
                    if l.underspend {
                        flags.push(tag("Underspend", "govuk-tag--yellow"));
                    }
                    if l.overspend {
                        flags.push(tag("Overspend", "govuk-tag--red"));
                    }
                    cells.push(Cell::Tags(flags));
                    cells
                })
                .collect(),
        )
    });
    let page_href = format!(
        "/fund/{}/{}",
        http::url_encode(&r.partnership),
        year_in_url(r.year)
    );
    let may_keep = routes::find(routes::Method::Post, "/fund/{partnership}/{year}/projects")
        .is_some_and(|spec| spec.allows(caller.user.as_ref()));
    let mut agencies = vec![Choice::new("", "Choose the lead agency")];
    let mut priorities = vec![Choice::new("", "Choose the priority")];
    if may_keep {
        agencies.extend(
            app.app
                .agencies()
                .await?
                .into_iter()
                .map(|a| Choice::new(a.name.clone(), a.name)),
        );
        for (id, _, _) in app.app.plans(&actor).await? {
            let plan = app.app.plan(&actor, &id).await?;
            if plan.partnership != r.partnership {
                continue;
            }
            priorities.extend(plan.priorities.iter().map(|p| {
                Choice::new(
                    format!("{} {}", plan.id, p.id),
                    format!("{}: priority {}, {}", plan.title, p.number, p.title),
                )
            }));
        }
    }
    let projects_choice: Vec<Choice> = r
        .lines
        .iter()
        .map(|l| Choice::new(l.project.id.to_string(), l.project.name.clone()))
        .collect();
    let has_errors = !forms.errors.is_empty();
    let status = if has_errors {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut spend = forms.spend;
    if spend.quarter.is_empty() {
        spend.quarter = r.quarter.number().to_string();
    }
    Ok(view::render(
        status,
        &FundPage {
            chrome: Chrome::new(app, caller, format!("Fund {} {}", r.partnership, r.year))
                .with_errors(has_errors),
            saved: saved.map(str::to_owned),
            errors: Errors(forms.errors),
            partnership: r.partnership.clone(),
            year: r.year.to_string(),
            quarters: (1..=4)
                .map(|n| Choice::new(n.to_string(), format!("Quarter {n}")))
                .collect(),
            quarter: r.quarter.number().to_string(),
            summary: vec![
                (
                    "Allocation".into(),
                    format!("{} ({})", pounds(r.allocation_pence), r.source),
                ),
                ("Budgeted to projects".into(), pounds(r.budgeted_pence)),
                ("Not yet allocated".into(), pounds(r.unallocated_pence)),
                (
                    format!("Spent to the end of quarter {}", r.quarter.number()),
                    pounds(r.spent_to_date_pence),
                ),
            ],
            warnings: r.warnings.clone(),
            projects,
            may_keep,
            project: forms.project,
            spend,
            agencies,
            priorities,
            projects_choice,
            return_href: format!("{page_href}/return"),
            page_href,
        },
    ))
}

/// POST /fund/{partnership}/{year}/projects
pub(crate) async fn add_project(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((partnership, year)): Path<(String, String)>,
    Form(form): Form<ProjectForm>,
) -> Result<Response, WebError> {
    let fy = parse_year(&year)?;
    let page_with = |errors| Forms {
        project: form.clone(),
        errors,
        ..Forms::default()
    };
    let entry = match validate_project(&form, &partnership, fy) {
        Ok(e) => e,
        Err(errors) => {
            return fund_page(
                &app,
                &caller,
                (&partnership, &year),
                &FundQuery::default(),
                None,
                page_with(errors),
            )
            .await;
        }
    };
    match app.app.add_project(&caller.actor(), &entry).await {
        Ok(_) => Ok(http::redirect(&format!(
            "/fund/{}/{}?saved=project",
            http::url_encode(&partnership),
            year_in_url(fy)
        ))),
        Err(safer_app::AppError::Invalid(m) | safer_app::AppError::Conflict(m)) => {
            fund_page(
                &app,
                &caller,
                (&partnership, &year),
                &FundQuery::default(),
                None,
                page_with(vec![("name", m)]),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /fund/{partnership}/{year}/spend
pub(crate) async fn record_spend(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((partnership, year)): Path<(String, String)>,
    Form(form): Form<SpendForm>,
) -> Result<Response, WebError> {
    let fy = parse_year(&year)?;
    let page_with = |errors| Forms {
        spend: form.clone(),
        errors,
        ..Forms::default()
    };
    let (project, quarter, amount, note) = match validate_spend(&form) {
        Ok(v) => v,
        Err(errors) => {
            return fund_page(
                &app,
                &caller,
                (&partnership, &year),
                &FundQuery::default(),
                None,
                page_with(errors),
            )
            .await;
        }
    };
    // Only a project of this fund's year.
    let fund = app.app.fund(&caller.actor(), &partnership, fy).await?;
    if !fund.projects.iter().any(|p| p.id == project) {
        return fund_page(
            &app,
            &caller,
            (&partnership, &year),
            &FundQuery::default(),
            None,
            page_with(vec![(
                "project",
                "Select one of this year's projects".into(),
            )]),
        )
        .await;
    }
    app.app
        .record_spend(&caller.actor(), project, quarter, amount, &note)
        .await?;
    Ok(http::redirect(&format!(
        "/fund/{}/{}?quarter={quarter}&saved=spend",
        http::url_encode(&partnership),
        year_in_url(fy)
    )))
}

fn parse_year(year: &str) -> Result<FinancialYear, WebError> {
    year.parse().map_err(|_| {
        WebError::NotFound(format!("{year:?} is not a financial year such as 2024-25."))
    })
}

#[derive(Template)]
#[template(path = "fund_index.html")]
struct FundIndex {
    chrome: Chrome,
    errors: Errors,
    /// (link, label) of each year held.
    years: Vec<(String, String)>,
    partnerships: Vec<Choice>,
    form: AllocationForm,
}

async fn index_page(
    app: &AppState,
    caller: &Caller,
    form: AllocationForm,
    errors: Vec<(&'static str, String)>,
) -> Result<Response, WebError> {
    let actor = caller.actor();
    let years = app
        .app
        .fund_years(&actor)
        .await?
        .into_iter()
        .map(|(p, y)| {
            (
                format!("/fund/{}/{}", http::url_encode(&p), year_in_url(y)),
                format!("{p} {y}"),
            )
        })
        .collect();
    let mut ids: Vec<String> = app
        .app
        .partnerships()?
        .into_iter()
        .map(|p| p.partnership.id)
        .collect();
    for (id, _, _) in app.app.plans(&actor).await? {
        let plan = app.app.plan(&actor, &id).await?;
        if !ids.contains(&plan.partnership) {
            ids.push(plan.partnership);
        }
    }
    let mut partnerships = vec![Choice::new("", "Choose the partnership")];
    partnerships.extend(ids.into_iter().map(|p| Choice::new(p.clone(), p)));
    let has_errors = !errors.is_empty();
    let status = if has_errors {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(view::render(
        status,
        &FundIndex {
            chrome: Chrome::new(app, caller, "Partnership Locality Fund").with_errors(has_errors),
            errors: Errors(errors),
            years,
            partnerships,
            form,
        },
    ))
}

/// GET /fund: the years held, and the allocation form.
pub(crate) async fn index(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, WebError> {
    let year = app.app.today();
    let fy = safer_domain::Month::new(u32::from(year.year()), u32::from(year.month()))
        .map(|m| safer_domain::Quarter::of(m).year().to_string())
        .unwrap_or_default();
    let form = AllocationForm {
        year: fy,
        ..AllocationForm::default()
    };
    index_page(&app, &caller, form, Vec::new()).await
}

/// POST /fund: sets a year's allocation.
pub(crate) async fn set_allocation(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Form(form): Form<AllocationForm>,
) -> Result<Response, WebError> {
    let (partnership, year, amount, source) = match validate_allocation(&form) {
        Ok(v) => v,
        Err(errors) => return index_page(&app, &caller, form, errors).await,
    };
    match app
        .app
        .set_allocation(&caller.actor(), &partnership, year, amount, &source)
        .await
    {
        Ok(()) => Ok(http::redirect(&format!(
            "/fund/{}/{}?saved=allocation",
            http::url_encode(&partnership),
            year_in_url(year)
        ))),
        Err(safer_app::AppError::Invalid(m) | safer_app::AppError::Conflict(m)) => {
            index_page(&app, &caller, form, vec![("amount", m)]).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "fund.html")]
struct FundPage {
    chrome: Chrome,
    saved: Option<String>,
    errors: Errors,
    may_keep: bool,
    project: ProjectForm,
    spend: SpendForm,
    agencies: Vec<Choice>,
    priorities: Vec<Choice>,
    projects_choice: Vec<Choice>,
    partnership: String,
    year: String,
    quarters: Vec<Choice>,
    quarter: String,
    /// (what, how much), in the order a return gives them.
    summary: Vec<(String, String)>,
    warnings: Vec<String>,
    projects: Option<Table>,
    page_href: String,
    return_href: String,
}

pub(crate) async fn return_csv(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((partnership, year)): Path<(String, String)>,
    Query(q): Query<FundQuery>,
) -> Result<Response, WebError> {
    let r = fund_return(&app, &caller, &partnership, &year, &q, true).await?;
    let csv = safer_report::fund_return_csv(&r)
        .map_err(|e| WebError::Internal(format!("fund return CSV: {e}")))?;
    let name = format!("{}.csv", file_stem(&r));
    Ok(download(csv.into_bytes(), "text/csv; charset=utf-8", &name))
}

pub(crate) async fn return_xlsx(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((partnership, year)): Path<(String, String)>,
    Query(q): Query<FundQuery>,
) -> Result<Response, WebError> {
    let r = fund_return(&app, &caller, &partnership, &year, &q, true).await?;
    let name = format!("{}.xlsx", file_stem(&r));
    let rr = r.clone();
    let bytes = data::blocking(move || {
        let dir = tempfile::tempdir()
            .map_err(|e| WebError::Internal(format!("a temporary folder: {e}")))?;
        let path = dir.path().join("return.xlsx");
        safer_report::fund_return_xlsx(&rr, &path)
            .map_err(|e| WebError::Internal(format!("fund return XLSX: {e}")))?;
        std::fs::read(&path).map_err(|e| WebError::Internal(format!("reading the XLSX: {e}")))
    })
    .await?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &name,
    ))
}
