//! Server-rendered HTML: escaping, the GOV.UK page template and a few
//! components (error summary, inputs, tags, tables).
//!
//! Pages use the GOV.UK Design System's class names, so govuk-frontend's
//! stylesheet applies when it is served under `/assets/govuk/`; otherwise
//! `/assets/safer.css` gives the same look. Nothing is inline (no `style`
//! attributes, no scripts), as the Content-Security-Policy requires. Fonts
//! are Arial and Helvetica, never the GOV.UK Transport font.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use safer_domain::{ActionStatus, Status};

use crate::AppState;
use crate::auth::{CSRF_FIELD, Caller};

/// Escapes text for HTML content and attribute values.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // The table's cell markers never come from text.
            NUMERIC | ROW_HEADER => out.push('\u{FFFD}'),
            _ => out.push(c),
        }
    }
    out
}

/// Percent-encodes everything but unreserved characters and `/`.
pub(crate) fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hexval = std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hexval {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The pairs of an `application/x-www-form-urlencoded` body.
pub(crate) fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(body)
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// A 303 redirect to a path on this site.
pub(crate) fn redirect(to: &str) -> Response {
    let mut resp = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

pub(crate) fn html_response(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    resp
}

/// A whole page in the GOV.UK template.
pub(crate) fn page(app: &AppState, caller: &Caller, title: &str, body: &str) -> Response {
    html_response(StatusCode::OK, document(app, caller, title, body, false))
}

/// The hidden CSRF field every form carries.
pub(crate) fn csrf_field(caller: &Caller) -> String {
    format!(
        "<input type=\"hidden\" name=\"{CSRF_FIELD}\" value=\"{}\">",
        esc(caller.csrf())
    )
}

/// A page whose body is still built here, in the layout template.
#[derive(askama::Template)]
#[template(path = "legacy.html")]
struct Legacy<'a> {
    chrome: crate::view::Chrome,
    body: &'a str,
}

/// The page template around a body built by hand. `has_errors` prefixes
/// the title with "Error: ", as the GOV.UK pattern asks.
pub(crate) fn document(
    app: &AppState,
    caller: &Caller,
    title: &str,
    body: &str,
    has_errors: bool,
) -> String {
    use askama::Template;
    Legacy {
        chrome: crate::view::Chrome::new(app, caller, title).with_errors(has_errors),
        body,
    }
    .render()
    .unwrap_or_else(|e| format!("The page could not be drawn: {e}"))
}

/// The GOV.UK error summary; `errors` are (field id, message).
pub(crate) fn error_summary(errors: &[(&str, &str)]) -> String {
    if errors.is_empty() {
        return String::new();
    }
    let items: String = errors
        .iter()
        .map(|(id, m)| format!("<li><a href=\"#{}\">{}</a></li>", esc(id), esc(m)))
        .collect();
    format!(
        "<div class=\"govuk-error-summary\" data-module=\"govuk-error-summary\"><div role=\"alert\"><h2 class=\"govuk-error-summary__title\">There is a problem</h2><div class=\"govuk-error-summary__body\"><ul class=\"govuk-list govuk-error-summary__list\">{items}</ul></div></div></div>\n"
    )
}

/// A form group: `before` (label, hint), the error message, then `after`
/// (the input).
fn group(id: &str, error: Option<&str>, before: String, after: String) -> String {
    let (class, msg) = match error {
        Some(m) => (
            " govuk-form-group--error",
            format!(
                "<p id=\"{id}-error\" class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:</span> {}</p>",
                esc(m)
            ),
        ),
        None => ("", String::new()),
    };
    format!("<div class=\"govuk-form-group{class}\">{before}{msg}{after}</div>\n")
}

fn described_by(id: &str, hint: bool, error: Option<&str>) -> String {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("{id}-hint"));
    }
    if error.is_some() {
        ids.push(format!("{id}-error"));
    }
    if ids.is_empty() {
        String::new()
    } else {
        format!(" aria-describedby=\"{}\"", ids.join(" "))
    }
}

pub(crate) fn text_input(
    id: &str,
    label: &str,
    value: &str,
    autocomplete: &str,
    error: Option<&str>,
) -> String {
    single_line(id, label, "text", Some(value), autocomplete, error)
}

/// A password field: its value is never written back into the page.
pub(crate) fn password_input(
    id: &str,
    label: &str,
    autocomplete: &str,
    error: Option<&str>,
) -> String {
    single_line(id, label, "password", None, autocomplete, error)
}

fn single_line(
    id: &str,
    label: &str,
    kind: &str,
    value: Option<&str>,
    autocomplete: &str,
    error: Option<&str>,
) -> String {
    let err_class = if error.is_some() {
        " govuk-input--error"
    } else {
        ""
    };
    let value = value.map_or(String::new(), |v| format!(" value=\"{}\"", esc(v)));
    group(
        id,
        error,
        format!(
            "<label class=\"govuk-label\" for=\"{id}\">{}</label>",
            esc(label)
        ),
        format!(
            "<input class=\"govuk-input{err_class}\" id=\"{id}\" name=\"{id}\" type=\"{kind}\"{value} autocomplete=\"{autocomplete}\" spellcheck=\"false\"{}>",
            described_by(id, false, error)
        ),
    )
}

/// A field's label and hint, linked by id as GOV.UK Frontend expects.
fn label_with_hint(id: &str, label: &str, hint: &str) -> String {
    format!(
        "<label class=\"govuk-label\" for=\"{id}\">{}</label><div id=\"{id}-hint\" class=\"govuk-hint\">{}</div>",
        esc(label),
        esc(hint)
    )
}

pub(crate) fn date_input(
    id: &str,
    label: &str,
    hint: &str,
    value: &str,
    error: Option<&str>,
) -> String {
    let err_class = if error.is_some() {
        " govuk-input--error"
    } else {
        ""
    };
    group(
        id,
        error,
        label_with_hint(id, label, hint),
        format!(
            "<input class=\"govuk-input govuk-input--width-10{err_class}\" id=\"{id}\" name=\"{id}\" type=\"text\" inputmode=\"numeric\" value=\"{}\"{}>",
            esc(value),
            described_by(id, true, error)
        ),
    )
}

pub(crate) fn textarea(
    id: &str,
    label: &str,
    hint: &str,
    value: &str,
    error: Option<&str>,
) -> String {
    let err_class = if error.is_some() {
        " govuk-textarea--error"
    } else {
        ""
    };
    group(
        id,
        error,
        label_with_hint(id, label, hint),
        format!(
            "<textarea class=\"govuk-textarea{err_class}\" id=\"{id}\" name=\"{id}\" rows=\"5\"{}>{}</textarea>",
            described_by(id, true, error),
            esc(value)
        ),
    )
}

/// Radios in a fieldset; `options` are (value, label).
pub(crate) fn radios(
    id: &str,
    legend: &str,
    options: &[(&str, &str)],
    selected: &str,
    error: Option<&str>,
) -> String {
    let items: String = options
        .iter()
        .enumerate()
        .map(|(i, (v, l))| {
            let item_id = if i == 0 {
                id.to_owned()
            } else {
                format!("{id}-{}", i + 1)
            };
            let checked = if *v == selected { " checked" } else { "" };
            format!(
                "<div class=\"govuk-radios__item\"><input class=\"govuk-radios__input\" id=\"{item_id}\" name=\"{id}\" type=\"radio\" value=\"{}\"{checked}><label class=\"govuk-label govuk-radios__label\" for=\"{item_id}\">{}</label></div>",
                esc(v),
                esc(l)
            )
        })
        .collect();
    group(
        id,
        error,
        format!(
            "<fieldset class=\"govuk-fieldset\"{}><legend class=\"govuk-fieldset__legend govuk-fieldset__legend--m\">{}</legend>",
            described_by(id, false, error),
            esc(legend)
        ),
        format!(
            "<div class=\"govuk-radios\" data-module=\"govuk-radios\">{items}</div></fieldset>"
        ),
    )
}

/// A select; `options` are (value, label).
pub(crate) fn select(
    id: &str,
    label: &str,
    options: &[(String, String)],
    selected: &str,
) -> String {
    let opts: String = options
        .iter()
        .map(|(v, l)| {
            let sel = if v == selected { " selected" } else { "" };
            format!("<option value=\"{}\"{sel}>{}</option>", esc(v), esc(l))
        })
        .collect();
    format!(
        "<div class=\"govuk-form-group safer-inline-group\"><label class=\"govuk-label\" for=\"{id}\">{}</label><select class=\"govuk-select\" id=\"{id}\" name=\"{id}\">{opts}</select></div>\n",
        esc(label)
    )
}

/// A GOV.UK tag for a measure's status.
pub(crate) fn status_tag(s: Status) -> String {
    let colour = match s {
        Status::OnTrack => "govuk-tag--green",
        Status::AtRisk => "govuk-tag--yellow",
        Status::OffTrack => "govuk-tag--red",
        Status::NoData => "govuk-tag--grey",
        Status::Monitoring => "govuk-tag--blue",
        Status::Incomplete => "govuk-tag--purple",
    };
    format!(
        "<strong class=\"govuk-tag {colour}\">{}</strong>",
        s.label()
    )
}

/// A GOV.UK tag for an action's status.
pub(crate) fn action_tag(s: ActionStatus) -> String {
    let colour = match s {
        ActionStatus::NotStarted => "govuk-tag--grey",
        ActionStatus::OnTrack => "govuk-tag--green",
        ActionStatus::AtRisk => "govuk-tag--yellow",
        ActionStatus::OffTrack => "govuk-tag--red",
        ActionStatus::Complete => "govuk-tag--blue",
        ActionStatus::Cancelled => "govuk-tag--grey",
    };
    format!(
        "<strong class=\"govuk-tag {colour}\">{}</strong>",
        s.label()
    )
}

/// Marks a table cell as numeric (see [`num`]); [`esc`] never lets it
/// through from text, so no user's text can be taken for a marker.
const NUMERIC: char = '\u{1}';
/// Marks a table cell as its row's header (see [`row_header`]).
const ROW_HEADER: char = '\u{2}';

/// A numeric cell (right-aligned) of already-escaped HTML.
pub(crate) fn num(html: impl std::fmt::Display) -> String {
    format!("{NUMERIC}{html}")
}

/// A row's header cell of already-escaped HTML.
pub(crate) fn row_header(html: impl std::fmt::Display) -> String {
    format!("{ROW_HEADER}{html}")
}

/// A numeric column's heading from text (which is escaped).
pub(crate) fn num_heading(text: &str) -> String {
    format!("{NUMERIC}{text}")
}

/// A table: caption, header cells, rows of already-escaped cells, made
/// with [`num`] and [`row_header`] where they are not plain. A heading
/// written in the code may start with `=` for a numeric column; one made
/// from data uses [`num_heading`].
pub(crate) fn table(caption: &str, head: &[&str], rows: &[Vec<String>]) -> String {
    table_with("govuk-table__caption--m", caption, head, rows)
}

/// A table whose caption only screen readers read (a heading above
/// already says the same).
pub(crate) fn table_quiet(caption: &str, head: &[&str], rows: &[Vec<String>]) -> String {
    table_with("govuk-visually-hidden", caption, head, rows)
}

fn table_with(caption_class: &str, caption: &str, head: &[&str], rows: &[Vec<String>]) -> String {
    let mut s = format!(
        "<table class=\"govuk-table\"><caption class=\"govuk-table__caption {caption_class}\">{}</caption><thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">",
        esc(caption)
    );
    for h in head {
        let (class, text) = match h.strip_prefix(NUMERIC).or_else(|| h.strip_prefix('=')) {
            Some(t) => (" govuk-table__header--numeric", t),
            None => ("", *h),
        };
        s.push_str(&format!(
            "<th scope=\"col\" class=\"govuk-table__header{class}\">{}</th>",
            esc(text)
        ));
    }
    s.push_str("</tr></thead><tbody class=\"govuk-table__body\">");
    for row in rows {
        s.push_str("<tr class=\"govuk-table__row\">");
        for cell in row {
            if let Some(t) = cell.strip_prefix(ROW_HEADER) {
                s.push_str(&format!(
                    "<th scope=\"row\" class=\"govuk-table__header\">{t}</th>"
                ));
            } else if let Some(t) = cell.strip_prefix(NUMERIC) {
                s.push_str(&format!(
                    "<td class=\"govuk-table__cell govuk-table__cell--numeric\">{t}</td>"
                ));
            } else {
                s.push_str(&format!("<td class=\"govuk-table__cell\">{cell}</td>"));
            }
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>\n");
    s
}

/// The warning text component.
pub(crate) fn warning(text: &str) -> String {
    format!(
        "<div class=\"govuk-warning-text\"><span class=\"govuk-warning-text__icon\" aria-hidden=\"true\">!</span><strong class=\"govuk-warning-text__text\"><span class=\"govuk-visually-hidden\">Warning</span>{}</strong></div>\n",
        esc(text)
    )
}

/// A whole number with thousands separators.
pub(crate) fn thousands(n: u64) -> String {
    let d = n.to_string();
    let mut out = String::new();
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub(crate) fn signed(n: i64) -> String {
    match n.cmp(&0) {
        std::cmp::Ordering::Greater => format!("+{}", thousands(n.unsigned_abs())),
        std::cmp::Ordering::Less => format!("\u{2212}{}", thousands(n.unsigned_abs())),
        std::cmp::Ordering::Equal => "0".to_owned(),
    }
}

pub(crate) fn pct(p: Option<f64>) -> String {
    match p {
        None => "n/a".to_owned(),
        Some(p) => {
            let r = (p * 10.0).round() / 10.0 + 0.0;
            if r > 0.0 {
                format!("+{r:.1}%")
            } else if r < 0.0 {
                format!("\u{2212}{:.1}%", -r)
            } else {
                "0.0%".to_owned()
            }
        }
    }
}

/// A figure as reports print it: whole numbers without decimals.
pub(crate) fn figure(x: Option<f64>) -> String {
    match x {
        None => "–".to_owned(),
        Some(v) if (v - v.round()).abs() < 1e-9 && v.abs() < 1e15 => {
            if v < 0.0 {
                format!("\u{2212}{}", thousands(v.abs().round() as u64))
            } else {
                thousands(v.round() as u64)
            }
        }
        Some(v) => format!("{v:.1}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_encodes() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(
            url_encode("/plans/x?q=2024/25 Q1&a"),
            "/plans/x%3Fq%3D2024/25%20Q1%26a"
        );
        assert_eq!(
            form_pairs(b"csrf_token=ab%2Bc&text=a+b%26c&x=%ZZ&y"),
            vec![
                ("csrf_token".into(), "ab+c".into()),
                ("text".into(), "a b&c".into()),
                ("x".into(), "%ZZ".into()),
                ("y".into(), String::new()),
            ]
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(signed(-1200), "\u{2212}1,200");
        assert_eq!(pct(Some(-7.04)), "\u{2212}7.0%");
        assert_eq!(figure(Some(12.0)), "12");
        assert_eq!(figure(Some(12.25)), "12.2");
        assert_eq!(figure(None), "–");
    }
}
