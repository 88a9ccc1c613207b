//! Cookies, CSRF tokens, the caller, and the sign-in and sign-out handlers.
//!
//! Passwords, lockout, throttling and sessions are the app's
//! ([`safer_app::App::sign_in`]); this module carries them over HTTP:
//!
//! * Sessions: a random token (32 bytes, hex) in the `safer_session`
//!   cookie; the database holds its digest. A successful sign-in ends any
//!   session the browser had and starts a new one.
//! * CSRF: each session has its own token, rendered in every form. Before
//!   there is a session, the sign-in form uses the double-submit cookie
//!   `safer_csrf`. The gate checks them.

use axum::Extension;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use safer_app::{Actor, Channel, SignInRefusal, digest, random_token};
use safer_domain::User;

use crate::html::{self, esc};
use crate::{AppState, WebError};

pub(crate) const SESSION_COOKIE: &str = "safer_session";
pub(crate) const CSRF_COOKIE: &str = "safer_csrf";
/// The form field and API header carrying the CSRF token.
pub(crate) const CSRF_FIELD: &str = "csrf_token";
pub(crate) const CSRF_HEADER: &str = "x-csrf-token";

/// Compares in time independent of where the first difference is.
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A cookie's value from the request headers.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, Path=/, Secure behind
/// TLS; `None` clears the cookie.
pub(crate) fn set_cookie(name: &str, value: Option<&str>, secure: bool) -> HeaderValue {
    let mut s = match value {
        Some(v) => format!("{name}={v}; HttpOnly; SameSite=Strict; Path=/"),
        None => format!("{name}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    };
    if secure {
        s.push_str("; Secure");
    }
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// How the caller proved who they are.
#[derive(Debug, Clone)]
pub(crate) enum Via {
    Anonymous,
    /// A browser session (its token's digest).
    Session {
        token_hash: String,
    },
    /// An API token with its scopes.
    Token {
        id: i64,
        scopes: Vec<String>,
    },
}

/// Who is calling: set by the gate on every request it lets through.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub user: Option<User>,
    pub via: Via,
    /// The CSRF token forms must carry: the session's, or before a session
    /// the `safer_csrf` cookie's.
    pub csrf: Option<String>,
    /// The client's address.
    pub source: String,
}

impl Caller {
    /// The caller as the app's tasks take it.
    pub(crate) fn actor(&self) -> Actor {
        match &self.user {
            Some(u) => {
                let channel = match &self.via {
                    Via::Token { id, .. } => Channel::Api { token_id: *id },
                    Via::Session { .. } | Via::Anonymous => Channel::Page,
                };
                Actor::user(u.clone(), channel, self.source.clone())
            }
            None => Actor::anonymous(self.source.clone()),
        }
    }

    /// The signed-in user; the gate lets no one else reach a handler of a
    /// route that needs a role.
    pub(crate) fn user(&self) -> Result<&User, WebError> {
        self.user.as_ref().ok_or(WebError::Unauthorised)
    }

    pub(crate) fn csrf(&self) -> &str {
        self.csrf.as_deref().unwrap_or("")
    }
}

/// Only a path on this site, so a sign-in can never redirect elsewhere.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[derive(Debug, serde::Deserialize, Default)]
pub(crate) struct NextQuery {
    next: Option<String>,
    signed_out: Option<String>,
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct SignInForm {
    username: String,
    password: String,
    next: String,
}

/// What a refused sign-in says, whatever the reason.
pub(crate) const REFUSED: &str = "The username or password is not right, or the account is locked. After 5 wrong attempts an account is locked for 15 minutes.";

fn form_page(
    app: &AppState,
    caller: &Caller,
    next: &str,
    username: &str,
    errors: &[(&str, &str)],
    signed_out: bool,
) -> String {
    let mut body = String::new();
    body.push_str(&html::error_summary(errors));
    if signed_out {
        body.push_str(
            "<div class=\"govuk-inset-text safer-ok\" role=\"status\">You have signed out.</div>\n",
        );
    }
    body.push_str("<h1 class=\"govuk-heading-l\">Sign in to Safer</h1>\n");
    body.push_str(&format!(
        "<form method=\"post\" action=\"/sign-in\" novalidate>\n{}\n<input type=\"hidden\" name=\"next\" value=\"{}\">\n",
        html::csrf_field(caller),
        esc(next)
    ));
    let field_error = |id: &str| errors.iter().find(|(f, _)| *f == id).map(|(_, m)| *m);
    body.push_str(&html::text_input(
        "username",
        "Username",
        username,
        "username",
        field_error("username"),
    ));
    body.push_str(&html::password_input(
        "password",
        "Password",
        "current-password",
        field_error("password"),
    ));
    body.push_str("<button type=\"submit\" class=\"govuk-button\" data-module=\"govuk-button\">Sign in</button>\n</form>\n");
    body.push_str("<p class=\"govuk-body\">If you have forgotten your password or your account is locked, ask your partnership's Safer administrator.</p>\n");
    html::document(app, caller, "Sign in", &body, !errors.is_empty())
}

/// GET /sign-in: the form, with a fresh pre-session CSRF cookie if needed.
pub(crate) async fn sign_in_form(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<NextQuery>,
) -> Response {
    let next = safe_next(q.next.as_deref());
    if caller.user.is_some() {
        return html::redirect(&next);
    }
    let mut caller = caller;
    let mut set = None;
    if caller.csrf.is_none() {
        let t = random_token();
        set = Some(set_cookie(CSRF_COOKIE, Some(&t), app.config.secure_cookies));
        caller.csrf = Some(t);
    }
    let signed_out = q.signed_out.is_some();
    let mut resp = html::html_response(
        StatusCode::OK,
        form_page(&app, &caller, &next, "", &[], signed_out),
    );
    if let Some(c) = set {
        resp.headers_mut().append(header::SET_COOKIE, c);
    }
    resp
}

/// POST /sign-in. The gate has checked the CSRF token.
pub(crate) async fn sign_in(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, WebError> {
    let next = safe_next(Some(&form.next));
    let username = form.username.trim().to_owned();
    let refuse = |status: StatusCode, errors: &[(&str, &str)]| {
        html::html_response(
            status,
            form_page(&app, &caller, &next, &username, errors, false),
        )
    };
    let mut errors = Vec::new();
    if username.is_empty() {
        errors.push(("username", "Enter your username"));
    }
    if form.password.is_empty() {
        errors.push(("password", "Enter your password"));
    }
    if !errors.is_empty() {
        return Ok(refuse(StatusCode::UNPROCESSABLE_ENTITY, &errors));
    }
    let previous = cookie(&headers, SESSION_COOKIE).map(|t| digest(&t));
    let outcome = app
        .app
        .sign_in(
            &caller.source,
            &username,
            &form.password,
            previous.as_deref(),
            app.config.session_idle_secs,
        )
        .await?;
    let signed_in = match outcome {
        Ok(s) => s,
        Err(SignInRefusal::Throttled) => {
            return Ok(refuse(
                StatusCode::TOO_MANY_REQUESTS,
                &[(
                    "username",
                    "There have been too many failed sign-ins from your network. Wait 15 minutes and try again.",
                )],
            ));
        }
        Err(SignInRefusal::Refused) => {
            return Ok(refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                &[("username", REFUSED)],
            ));
        }
    };
    let mut resp = html::redirect(&next);
    let secure = app.config.secure_cookies;
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, Some(&signed_in.session_token), secure),
    );
    resp.headers_mut()
        .append(header::SET_COOKIE, set_cookie(CSRF_COOKIE, None, secure));
    Ok(resp)
}

/// POST /sign-out: ends the session.
pub(crate) async fn sign_out(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, WebError> {
    let token = match &caller.via {
        Via::Session { token_hash } => Some(token_hash.as_str()),
        _ => None,
    };
    app.app.sign_out(&caller.actor(), token).await?;
    let mut resp = html::redirect("/sign-in?signed_out=1");
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, None, app.config.secure_cookies),
    );
    Ok(resp.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_the_site() {
        assert_eq!(safe_next(Some("/plans/x?y=1")), "/plans/x?y=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn cookies_parse_and_compare() {
        let mut h = HeaderMap::new();
        let t = random_token();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=b; {SESSION_COOKIE}={t}")).unwrap(),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some(t.clone()));
        assert_eq!(cookie(&h, CSRF_COOKIE), None);
        assert!(ct_eq(t.as_bytes(), t.as_bytes()));
        assert!(!ct_eq(t.as_bytes(), random_token().as_bytes()));
        assert_eq!(digest("abc").len(), 64);
    }
}
