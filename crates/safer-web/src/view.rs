//! Pages from compile-time templates (askama, `crates/safer-web/templates/`).
//!
//! Every page is a struct deriving [`askama::Template`] whose template
//! extends `layout.html` and reads the page's [`Chrome`] (title, menu,
//! account). Escaping is by construction: askama escapes every `{{ }}`
//! of an `.html` template, so text from data (names, notes, reasons typed
//! by users) can only ever be text. `|safe` is allowed only for markup
//! Safer itself drew from escaped parts (the beat map's SVG, the report
//! crate's charts), and each use says so.
//!
//! Tables are [`Table`]s of [`Cell`]s: a cell says what it is (text, a
//! number, a link, a tag, a row's header) and the template writes the
//! markup, so a value is shown as written whatever it begins with.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use safer_domain::{ActionStatus, Status};

use crate::AppState;
use crate::auth::Caller;
use crate::routes;

/// What every page around its content shows: the title, the menu the
/// caller may use, who is signed in, and the CSRF token of the sign-out
/// form.
pub(crate) struct Chrome {
    pub title: String,
    /// The page shows a form's errors: the title begins "Error: ", as
    /// the GOV.UK pattern asks, so screen readers hear it first.
    pub has_errors: bool,
    pub nav: Vec<NavLink>,
    pub account: Option<Account>,
    pub csrf: String,
    /// govuk-frontend's stylesheet is served.
    pub govuk_css: bool,
}

pub(crate) struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
}

pub(crate) struct Account {
    pub name: String,
    pub agency: String,
}

/// The header's menu: each page a signed-in caller may open.
const MENU: [(&str, &str); 12] = [
    ("/", "Dashboard"),
    ("/plans", "Plans"),
    ("/cases", "Cases"),
    ("/meetings", "Meetings"),
    ("/overdue", "Overdue"),
    ("/triggers", "Case reviews"),
    ("/dhrs", "DHRs"),
    ("/assessment", "Assessment"),
    ("/fund", "Fund"),
    ("/import", "Import data"),
    ("/admin/audit", "Audit log"),
    ("/admin/users", "Users"),
];

/// The menu of a report the application serves, with the way back to the
/// page it came from (see [`safer_report::SiteNav`]).
pub(crate) fn site_nav(
    app: &AppState,
    caller: &Caller,
    back: (&str, String),
) -> safer_report::SiteNav {
    let chrome = Chrome::new(app, caller, "");
    safer_report::SiteNav {
        links: chrome
            .nav
            .iter()
            .map(|l| (l.label.to_owned(), l.href.to_owned()))
            .collect(),
        back: Some((back.0.to_owned(), back.1)),
    }
}

impl Chrome {
    pub(crate) fn new(app: &AppState, caller: &Caller, title: impl Into<String>) -> Chrome {
        let user = caller.user.as_ref();
        let nav = match user {
            Some(_) => MENU
                .iter()
                .filter(|(path, _)| routes::may_get(user, path))
                .map(|(href, label)| NavLink { href, label })
                .collect(),
            None => Vec::new(),
        };
        Chrome {
            title: title.into(),
            has_errors: false,
            nav,
            account: user.map(|u| Account {
                name: u.display_name.clone(),
                agency: u.agency.name.clone(),
            }),
            csrf: caller.csrf().to_owned(),
            govuk_css: app.config.static_dir.is_some(),
        }
    }

    pub(crate) fn with_errors(mut self, has_errors: bool) -> Chrome {
        self.has_errors = has_errors;
        self
    }
}

/// A rendered template as an HTML response.
pub(crate) fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(body) => {
            let mut resp = (status, body).into_response();
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            resp
        }
        Err(e) => {
            tracing::error!(target: "safer::web", error = %e, "a page template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The page could not be drawn.",
            )
                .into_response()
        }
    }
}

/// A page, 200.
pub(crate) fn page(page: &impl Template) -> Response {
    render(StatusCode::OK, page)
}

/// A form's errors: (field id, message), for the error summary and the
/// fields.
#[derive(Debug, Clone, Default)]
pub(crate) struct Errors(pub Vec<(&'static str, String)>);

impl Errors {
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message for one field, if any.
    pub(crate) fn of(&self, id: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == id)
            .map(|(_, m)| m.as_str())
    }
}

/// A GOV.UK tag: label and colour class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tag {
    pub label: &'static str,
    pub colour: &'static str,
}

impl Tag {
    pub(crate) fn status(s: Status) -> Tag {
        let colour = match s {
            Status::OnTrack => "govuk-tag--green",
            Status::AtRisk => "govuk-tag--yellow",
            Status::OffTrack => "govuk-tag--red",
            Status::NoData => "govuk-tag--grey",
            Status::Monitoring => "govuk-tag--blue",
            Status::Incomplete => "govuk-tag--purple",
        };
        Tag {
            label: s.label(),
            colour,
        }
    }

    pub(crate) fn action(s: ActionStatus) -> Tag {
        let colour = match s {
            ActionStatus::NotStarted | ActionStatus::Cancelled => "govuk-tag--grey",
            ActionStatus::OnTrack => "govuk-tag--green",
            ActionStatus::AtRisk => "govuk-tag--yellow",
            ActionStatus::OffTrack => "govuk-tag--red",
            ActionStatus::Complete => "govuk-tag--blue",
        };
        Tag {
            label: s.label(),
            colour,
        }
    }
}

/// One cell of a [`Table`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    /// Right-aligned, as GOV.UK tables align numbers.
    Num(String),
    /// The row's header (`<th scope="row">`).
    Head(String),
    /// A row's header that links somewhere.
    HeadLink {
        href: String,
        text: String,
    },
    Tag(Tag),
    /// A row's header with a second, quieter line.
    HeadTwoLines {
        main: String,
        sub: String,
    },
    /// Several tags, or none.
    Tags(Vec<Tag>),
    /// Text set as code (an id, a target of the audit log).
    Code(String),
}

impl Cell {
    pub(crate) fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub(crate) fn num(s: impl Into<String>) -> Cell {
        Cell::Num(s.into())
    }

    pub(crate) fn head(s: impl Into<String>) -> Cell {
        Cell::Head(s.into())
    }
}

/// A column heading.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Heading {
    pub text: String,
    pub numeric: bool,
}

impl Heading {
    pub(crate) fn text(s: impl Into<String>) -> Heading {
        Heading {
            text: s.into(),
            numeric: false,
        }
    }

    pub(crate) fn num(s: impl Into<String>) -> Heading {
        Heading {
            text: s.into(),
            numeric: true,
        }
    }
}

/// A GOV.UK table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    pub caption: String,
    /// Only screen readers read the caption (a heading above says it).
    pub quiet_caption: bool,
    pub head: Vec<Heading>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub(crate) fn new(caption: impl Into<String>, head: Vec<Heading>) -> Table {
        Table {
            caption: caption.into(),
            quiet_caption: false,
            head,
            rows: Vec::new(),
        }
    }

    pub(crate) fn quiet(mut self) -> Table {
        self.quiet_caption = true;
        self
    }

    pub(crate) fn rows(mut self, rows: Vec<Vec<Cell>>) -> Table {
        self.rows = rows;
        self
    }
}

/// An option of a select or radios: value and label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
}

impl Choice {
    pub(crate) fn new(value: impl Into<String>, label: impl Into<String>) -> Choice {
        Choice {
            value: value.into(),
            label: label.into(),
        }
    }

    /// Whether this is the option chosen (templates pass it by reference).
    pub(crate) fn is(&self, chosen: impl AsRef<str>) -> bool {
        self.value == chosen.as_ref()
    }
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

/// The GOV.UK error page for a status.
#[derive(Template)]
#[template(path = "error.html")]
pub(crate) struct ErrorPage {
    pub chrome: Chrome,
    pub heading: &'static str,
    pub detail: String,
    pub advice: &'static str,
    pub request_id: Option<String>,
}

/// The error page of a status, with the handler's message if it gave one.
pub(crate) fn error_page(
    app: &AppState,
    caller: &Caller,
    status: StatusCode,
    detail: Option<&str>,
) -> Response {
    let (heading, advice) = match status.as_u16() {
        403 => (
            "You do not have access to this page",
            "If you think you should, ask your partnership's Safer administrator.",
        ),
        404 => (
            "Page not found",
            "If you typed the web address, check it is correct. If you pasted it, check you copied the whole address.",
        ),
        400 | 409 | 413 | 415 | 422 => ("There is a problem with your request", ""),
        429 => ("Too many attempts", "Wait 15 minutes and try again."),
        _ => (
            "Sorry, there is a problem with the service",
            "Try again later.",
        ),
    };
    let detail = detail.unwrap_or(if status.is_server_error() {
        ""
    } else {
        crate::error::default_detail(status)
    });
    render(
        status,
        &ErrorPage {
            chrome: Chrome::new(app, caller, heading),
            heading,
            detail: detail.to_owned(),
            advice,
            request_id: crate::observe::request_id(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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

#[cfg(test)]
mod markup_in_templates_only {
    /// No Rust source of this crate builds HTML: markup lives in
    /// `templates/`, where askama escapes every value. A string literal
    /// opening a tag (`"<p`, `"</div`) in the code would be markup built
    /// by hand. (Reading a report's `<style>` blocks, and the markers of
    /// docs/roles.md, are not building markup, and are named here.)
    #[test]
    fn the_code_builds_no_markup() {
        let allowed = ["\"<style>\"", "\"</style>\"", "\"<!-- matrix:"];
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut stack = vec![src];
        let mut found = Vec::new();
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                if p.extension().and_then(|x| x.to_str()) != Some("rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap();
                for (i, line) in text.lines().enumerate() {
                    let code = line.trim_start();
                    if code.starts_with("//") || code.starts_with("let allowed") {
                        continue;
                    }
                    let bytes = line.as_bytes();
                    for (j, w) in bytes.windows(3).enumerate() {
                        let opens_tag = w[0] == b'"'
                            && w[1] == b'<'
                            && (w[2].is_ascii_alphabetic() || w[2] == b'/' || w[2] == b'!');
                        if opens_tag && !allowed.iter().any(|a| line[j..].starts_with(a)) {
                            found.push(format!("{}:{}: {}", p.display(), i + 1, line.trim()));
                        }
                    }
                }
            }
        }
        assert!(
            found.is_empty(),
            "markup built in Rust:\n{}",
            found.join("\n")
        );
    }
}
