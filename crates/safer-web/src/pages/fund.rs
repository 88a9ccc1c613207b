//! `/fund/{partnership}/{year}`: the Partnership Locality Fund for a year
//! (allocation, projects, spend by quarter, warnings) and the return to the
//! Police and Crime Commissioner as CSV and XLSX (audited as exports).

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use safer_domain::{DEFAULT_UNDERSPEND_THRESHOLD, FinancialYear, FundReturn, pounds};

use askama::Template;

use crate::auth::Caller;
use crate::http;
use crate::pages::{download, year_in_url};
use crate::view::{self, Cell, Choice, Chrome, Heading, Table, Tag};
use crate::{AppState, WebError, data};

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct FundQuery {
    quarter: Option<String>,
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
    let r = fund_return(&app, &caller, &partnership, &year, &q, false).await?;
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
    Ok(view::page(&FundPage {
        chrome: Chrome::new(&app, &caller, format!("Fund {} {}", r.partnership, r.year)),
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
        return_href: format!("{page_href}/return"),
        page_href,
    }))
}

#[derive(Template)]
#[template(path = "fund.html")]
struct FundPage {
    chrome: Chrome,
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
