//! The sign-in and sign-out pages (`/sign-in`, `/sign-out`).

use askama::Template;
use axum::Extension;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use safer_app::{SignInRefusal, digest, random_token};

use crate::auth::{CSRF_COOKIE, Caller, SESSION_COOKIE, Via, cookie, set_cookie};
use crate::http;
use crate::view::{self, Chrome, Errors};
use crate::{AppState, WebError};

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

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage<'a> {
    chrome: Chrome,
    errors: Errors,
    signed_out: bool,
    next: &'a str,
    username: &'a str,
}

fn form_page(
    app: &AppState,
    caller: &Caller,
    status: StatusCode,
    next: &str,
    username: &str,
    errors: &[(&'static str, &str)],
    signed_out: bool,
) -> Response {
    let errors = Errors(errors.iter().map(|(f, m)| (*f, (*m).to_owned())).collect());
    view::render(
        status,
        &SignInPage {
            chrome: Chrome::new(app, caller, "Sign in").with_errors(!errors.is_empty()),
            errors,
            signed_out,
            next,
            username,
        },
    )
}

/// GET /sign-in: the form, with a fresh pre-session CSRF cookie if needed.
pub(crate) async fn sign_in_form(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<NextQuery>,
) -> Response {
    let next = safe_next(q.next.as_deref());
    if caller.user.is_some() {
        return http::redirect(&next);
    }
    let mut caller = caller;
    let mut set = None;
    if caller.csrf.is_none() {
        let t = random_token();
        set = Some(set_cookie(CSRF_COOKIE, Some(&t), app.config.secure_cookies));
        caller.csrf = Some(t);
    }
    let signed_out = q.signed_out.is_some();
    let mut resp = form_page(&app, &caller, StatusCode::OK, &next, "", &[], signed_out);
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
    let refuse = |status: StatusCode, errors: &[(&'static str, &str)]| {
        form_page(&app, &caller, status, &next, &username, errors, false)
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
    let mut resp = http::redirect(&next);
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
    let mut resp = http::redirect("/sign-in?signed_out=1");
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
}
