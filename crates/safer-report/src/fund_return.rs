//! The Partnership Locality Fund quarterly return to the Police and Crime
//! Commissioner, as CSV and as an XLSX workbook.
//!
//! Money is held in whole pence; it is written in pounds with exactly two
//! decimal places, converted by integer arithmetic (never through a float
//! in the CSV). Both files have the same columns, one row per project.

use rust_xlsxwriter::{Format, FormatAlign, Formula, Workbook, Worksheet, XlsxError};
use safer_domain::{FundReturn, ReturnLine};

use crate::ReportError;
use crate::csv_out::table;
use crate::format::month_span;

/// The columns of the return, as CSV headers.
pub const COLUMNS: [&str; 14] = [
    "project",
    "lead_agency",
    "plan",
    "priority",
    "action_id",
    "budget",
    "q1_spend",
    "q2_spend",
    "q3_spend",
    "q4_spend",
    "spent_to_date",
    "profile_to_date",
    "remaining",
    "flags",
];

/// The same columns as the XLSX headers, in words.
const HEADINGS: [&str; 14] = [
    "Project",
    "Lead agency",
    "Plan",
    "Priority",
    "Action id",
    "Budget",
    "Q1 spend",
    "Q2 spend",
    "Q3 spend",
    "Q4 spend",
    "Spent to date",
    "Profile to date",
    "Remaining",
    "Flags",
];

/// Width of each XLSX column, in characters.
const WIDTHS: [f64; 14] = [
    36.0, 24.0, 14.0, 12.0, 10.0, 14.0, 13.0, 13.0, 13.0, 13.0, 15.0, 15.0, 14.0, 24.0,
];

/// The first money column (budget) and the last (remaining).
const FIRST_MONEY: u16 = 5;
const LAST_MONEY: u16 = 12;

/// The Excel number format of money.
const MONEY_FORMAT: &str = "£#,##0.00";

/// Pence as plain pounds with two decimals: `123456` → `"1234.56"`,
/// `-5` → `"-0.05"`.
pub fn plain_pounds(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let p = pence.unsigned_abs();
    format!("{sign}{}.{:02}", p / 100, p % 100)
}

/// The flags of a line in words: "Underspend", "Overspend", both, or "".
pub fn flags(l: &ReturnLine) -> String {
    let mut f = Vec::new();
    if l.underspend {
        f.push("Underspend");
    }
    if l.overspend {
        f.push("Overspend");
    }
    f.join("; ")
}

/// The money of a line, budget to remaining, in column order.
fn amounts(l: &ReturnLine) -> [i64; 8] {
    let s = l.project.spend_pence;
    [
        l.project.budget_pence,
        s[0],
        s[1],
        s[2],
        s[3],
        l.spent_to_date_pence,
        l.profile_pence,
        l.remaining_pence,
    ]
}

/// The return's quarter in words: "Quarter 2 of 2024/25 (spend to date:
/// April to September 2024)".
fn quarter_words(f: &FundReturn) -> String {
    format!(
        "Quarter {} of {} (spend to date: {})",
        f.quarter.number(),
        f.year,
        month_span(f.year.first_month(), f.quarter.last_month())
    )
}

/// The return as CSV: a header, then one row per project.
pub fn fund_return_csv(f: &FundReturn) -> Result<String, ReportError> {
    table(
        &COLUMNS,
        f.lines.iter().map(|l| {
            let p = &l.project;
            let mut row = vec![
                p.name.clone(),
                p.lead_agency.clone(),
                p.plan_id.clone(),
                p.priority_id.clone(),
                p.action_id.map(|a| a.to_string()).unwrap_or_default(),
            ];
            row.extend(amounts(l).map(plain_pounds));
            row.push(flags(l));
            row
        }),
    )
}

/// A zero-based column number as a spreadsheet column letter (A–Z).
fn column_letter(c: u16) -> char {
    char::from(b'A' + c as u8)
}

fn xlsx_err(path: &std::path::Path) -> impl Fn(XlsxError) -> ReportError + '_ {
    move |e| ReportError::Xlsx(format!("{}: {e}", path.display()))
}

/// The "Return" sheet: title block, header, a row per project, totals.
fn return_sheet(ws: &mut Worksheet, f: &FundReturn) -> Result<(), XlsxError> {
    let title = Format::new().set_bold().set_font_size(14);
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format(MONEY_FORMAT);
    let bold_money = Format::new().set_bold().set_num_format(MONEY_FORMAT);
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color("#F3F2F1")
        .set_border_bottom(rust_xlsxwriter::FormatBorder::Thin);
    let header_money = header.clone().set_align(FormatAlign::Right);

    ws.set_name("Return")?;
    ws.write_string_with_format(0, 0, "Partnership Locality Fund: quarterly return", &title)?;
    // The title block: label in A, value in B (the allocation is B5, used
    // by the formula under the totals).
    let block = [
        ("Partnership", Some(f.partnership.clone())),
        ("Year", Some(f.year.to_string())),
        ("Quarter", Some(quarter_words(f))),
        ("Allocation", None),
        ("Source", Some(f.source.clone())),
    ];
    for (i, (k, v)) in block.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_string_with_format(r, 0, *k, &bold)?;
        match v {
            Some(v) => ws.write_string(r, 1, v)?,
            None => ws.write_number_with_format(r, 1, pounds_f64(f.allocation_pence), &money)?,
        };
    }

    let head_row: u32 = 7;
    for (c, h) in HEADINGS.iter().enumerate() {
        let c = c as u16;
        let fmt = if (FIRST_MONEY..=LAST_MONEY).contains(&c) {
            &header_money
        } else {
            &header
        };
        ws.write_string_with_format(head_row, c, *h, fmt)?;
        ws.set_column_width(c, WIDTHS[usize::from(c)])?;
    }
    ws.set_freeze_panes(head_row + 1, 0)?;

    let first = head_row + 1;
    for (i, l) in f.lines.iter().enumerate() {
        let r = first + i as u32;
        let p = &l.project;
        ws.write_string(r, 0, &p.name)?;
        ws.write_string(r, 1, &p.lead_agency)?;
        ws.write_string(r, 2, &p.plan_id)?;
        ws.write_string(r, 3, &p.priority_id)?;
        if let Some(a) = p.action_id {
            ws.write_number(r, 4, a.get() as f64)?;
        }
        for (k, pence) in amounts(l).into_iter().enumerate() {
            ws.write_number_with_format(r, FIRST_MONEY + k as u16, pounds_f64(pence), &money)?;
        }
        let fl = flags(l);
        if !fl.is_empty() {
            ws.write_string_with_format(r, 13, &fl, &bold)?;
        }
    }
    let totals = first + f.lines.len() as u32;
    ws.write_string_with_format(totals, 0, "Total", &bold)?;
    for k in 0..8u16 {
        let c = FIRST_MONEY + k;
        let sum: i64 = f.lines.iter().map(|l| amounts(l)[usize::from(k)]).sum();
        if f.lines.is_empty() {
            ws.write_number_with_format(totals, c, 0.0, &bold_money)?;
        } else {
            let col = column_letter(c);
            // Excel rows are one-based.
            let formula = Formula::new(format!("=SUM({col}{}:{col}{})", first + 1, totals))
                .set_result(plain_pounds(sum));
            ws.write_formula_with_format(totals, c, formula, &bold_money)?;
        }
    }
    let unallocated = totals + 2;
    ws.write_string_with_format(unallocated, 0, "Allocation not given to any project", &bold)?;
    ws.write_formula_with_format(
        unallocated,
        FIRST_MONEY,
        Formula::new(format!("=B5-{}{}", column_letter(FIRST_MONEY), totals + 1))
            .set_result(plain_pounds(f.unallocated_pence)),
        &bold_money,
    )?;
    if !f.lines.is_empty() {
        ws.autofilter(head_row, 0, totals - 1, 13)?;
    }
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(head_row, head_row)?;
    Ok(())
}

/// The "Warnings" sheet: one warning a row.
fn warnings_sheet(ws: &mut Worksheet, f: &FundReturn) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    ws.set_name("Warnings")?;
    ws.set_column_width(0, 110.0)?;
    ws.write_string_with_format(0, 0, "Warning", &bold)?;
    ws.set_freeze_panes(1, 0)?;
    if f.warnings.is_empty() {
        ws.write_string(1, 0, "No warnings.")?;
    }
    for (i, w) in f.warnings.iter().enumerate() {
        ws.write_string_with_format(1 + i as u32, 0, w, &wrap)?;
    }
    Ok(())
}

/// Pence as pounds for a spreadsheet cell (shown to two decimals).
fn pounds_f64(pence: i64) -> f64 {
    pence as f64 / 100.0
}

/// Writes the return as an XLSX workbook at `path`.
pub fn fund_return_xlsx(f: &FundReturn, path: &std::path::Path) -> Result<(), ReportError> {
    let err = xlsx_err(path);
    let mut wb = Workbook::new();
    return_sheet(wb.add_worksheet(), f).map_err(&err)?;
    warnings_sheet(wb.add_worksheet(), f).map_err(&err)?;
    wb.save(path).map_err(&err)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use safer_domain::{ActionId, Fund, FundProject, ProjectId};

    /// Two projects in 2024/25 at quarter 2: one on profile, one
    /// underspent; allocation £25,000.
    pub(crate) fn sample_fund_return() -> FundReturn {
        let fund = Fund {
            partnership: "charnwood".into(),
            year: "2024/25".parse().unwrap(),
            allocation_pence: 2_500_000,
            source: "PCC grant letter, 3 April 2024".into(),
            projects: vec![
                FundProject {
                    id: ProjectId::from_stored(1),
                    lead_agency_id: None,
                    name: "Street pastors, \"Loughborough\"".into(),
                    lead_agency: "Council".into(),
                    budget_pence: 1_000_000,
                    plan_id: "csp-2024".into(),
                    priority_id: "p1".into(),
                    action_id: Some(ActionId::from_stored(7)),
                    spend_pence: [300_000, 123_456, 0, 0],
                },
                FundProject {
                    id: ProjectId::from_stored(2),
                    lead_agency_id: None,
                    name: "Diversionary <football>".into(),
                    lead_agency: "Youth service".into(),
                    budget_pence: 400_000,
                    plan_id: "csp-2024".into(),
                    priority_id: "p2".into(),
                    action_id: None,
                    spend_pence: [70_000, 70_000, 0, 0],
                },
            ],
        };
        FundReturn::build(&fund, 2, safer_domain::DEFAULT_UNDERSPEND_THRESHOLD)
    }

    #[test]
    fn plain_pounds_are_exact() {
        assert_eq!(plain_pounds(123_456), "1234.56");
        assert_eq!(plain_pounds(5), "0.05");
        assert_eq!(plain_pounds(-5), "-0.05");
        assert_eq!(plain_pounds(0), "0.00");
        assert_eq!(plain_pounds(100), "1.00");
        assert_eq!(plain_pounds(123_456_789_012_345), "1234567890123.45");
    }

    #[test]
    fn csv_has_every_column_and_exact_pounds() {
        let f = sample_fund_return();
        assert!(f.lines[1].underspend && !f.lines[0].underspend);
        let csv = fund_return_csv(&f).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "project,lead_agency,plan,priority,action_id,budget,q1_spend,q2_spend,q3_spend,q4_spend,spent_to_date,profile_to_date,remaining,flags"
        );
        assert_eq!(
            lines[1],
            "\"Street pastors, \"\"Loughborough\"\"\",Council,csp-2024,p1,7,10000.00,3000.00,1234.56,0.00,0.00,4234.56,5000.00,5765.44,"
        );
        assert_eq!(
            lines[2],
            "Diversionary <football>,Youth service,csp-2024,p2,,4000.00,700.00,700.00,0.00,0.00,1400.00,2000.00,2600.00,Underspend"
        );
        assert_eq!(lines.len(), 3);
    }

    #[test]
    fn xlsx_is_a_workbook() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("return.xlsx");
        fund_return_xlsx(&sample_fund_return(), &path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.len() > 1000, "{} bytes", bytes.len());
        assert!(bytes.starts_with(b"PK\x03\x04"), "not a zip");
        // Also with no projects and no warnings.
        let mut empty = sample_fund_return();
        empty.lines.clear();
        empty.warnings.clear();
        fund_return_xlsx(&empty, &path).unwrap();
        assert!(std::fs::read(&path).unwrap().starts_with(b"PK"));
    }

    #[test]
    fn xlsx_errors_name_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-dir").join("return.xlsx");
        let err = fund_return_xlsx(&sample_fund_return(), &path).unwrap_err();
        assert!(matches!(err, ReportError::Xlsx(_)));
        assert!(err.to_string().contains("missing-dir"), "{err}");
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), 'A');
        assert_eq!(column_letter(FIRST_MONEY), 'F');
        assert_eq!(column_letter(LAST_MONEY), 'M');
    }
}
