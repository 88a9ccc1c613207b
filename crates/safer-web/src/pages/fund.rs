//! `/fund/{partnership}/{year}`: the Partnership Locality Fund for a year
//! (allocation, projects, spend by quarter, warnings) and the return to the
//! Police and Crime Commissioner as CSV and XLSX (audited as exports).

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use safer_domain::{DEFAULT_UNDERSPEND_THRESHOLD, FinancialYear, FundReturn, pounds};

use crate::auth::Caller;
use crate::html::{self, esc};
use crate::pages::{download, year_in_url};
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
    let mut b = format!(
        "<span class=\"govuk-caption-l\">{}</span><h1 class=\"govuk-heading-xl\">Partnership Locality Fund {}</h1>\n",
        esc(&r.partnership),
        esc(&r.year.to_string())
    );
    let options: Vec<(String, String)> = (1..=4)
        .map(|n| (n.to_string(), format!("Quarter {n}")))
        .collect();
    b.push_str(&format!(
        "<form method=\"get\" action=\"/fund/{}/{}\" class=\"safer-filter\">{}<button type=\"submit\" class=\"govuk-button govuk-button--secondary\">Show quarter</button></form>\n",
        html::url_encode(&r.partnership),
        year_in_url(r.year),
        html::select("quarter", "Return to the end of", &options, &r.quarter.number().to_string())
    ));
    let row = |k: &str, v: String| {
        format!(
            "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">{}</dt><dd class=\"govuk-summary-list__value\">{v}</dd></div>",
            esc(k)
        )
    };
    b.push_str("<dl class=\"govuk-summary-list\">");
    b.push_str(&row(
        "Allocation",
        format!("{} ({})", esc(&pounds(r.allocation_pence)), esc(&r.source)),
    ));
    b.push_str(&row("Budgeted to projects", esc(&pounds(r.budgeted_pence))));
    b.push_str(&row("Not yet allocated", esc(&pounds(r.unallocated_pence))));
    b.push_str(&row(
        &format!("Spent to the end of quarter {}", r.quarter.number()),
        esc(&pounds(r.spent_to_date_pence)),
    ));
    b.push_str("</dl>\n");
    for w in &r.warnings {
        b.push_str(&html::warning(w));
    }
    let rows: Vec<Vec<String>> = r
        .lines
        .iter()
        .map(|l| {
            let p = &l.project;
            let mut flags = Vec::new();
            if l.underspend {
                flags.push("<strong class=\"govuk-tag govuk-tag--yellow\">Underspend</strong>");
            }
            if l.overspend {
                flags.push("<strong class=\"govuk-tag govuk-tag--red\">Overspend</strong>");
            }
            let mut cells = vec![
                html::row_header(esc(&p.name)),
                esc(&p.lead_agency),
                html::num(esc(&pounds(p.budget_pence))),
            ];
            for q in 0..4 {
                cells.push(html::num(esc(&pounds(p.spend_pence[q]))));
            }
            cells.push(html::num(esc(&pounds(l.spent_to_date_pence))));
            cells.push(html::num(esc(&pounds(l.remaining_pence))));
            cells.push(flags.join(" "));
            cells
        })
        .collect();
    if rows.is_empty() {
        b.push_str("<p class=\"govuk-body\">No projects are funded this year yet.</p>\n");
    } else {
        b.push_str(&html::table(
            "Projects",
            &[
                "Project",
                "Lead agency",
                "=Budget",
                "=Q1",
                "=Q2",
                "=Q3",
                "=Q4",
                "=Spent to date",
                "=Remaining",
                "Flags",
            ],
            &rows,
        ));
    }
    let base = format!(
        "/fund/{}/{}/return",
        html::url_encode(&r.partnership),
        year_in_url(r.year)
    );
    b.push_str(&format!(
        "<h2 class=\"govuk-heading-m\">Download the return</h2><ul class=\"govuk-list\"><li><a class=\"govuk-link\" href=\"{base}.csv?quarter={q}\">The quarter {q} return as CSV</a></li><li><a class=\"govuk-link\" href=\"{base}.xlsx?quarter={q}\">The quarter {q} return as a spreadsheet (XLSX)</a></li></ul>\n",
        q = r.quarter.number()
    ));
    let title = format!("Fund {} {}", r.partnership, r.year);
    Ok(html::page(&app, &caller, &title, &b))
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
