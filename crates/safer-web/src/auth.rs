//! Passwords, sessions, CSRF tokens, API tokens, and the sign-in and
//! sign-out handlers.
//!
//! * Passwords: argon2id PHC strings ([`hash_password`]); verification is
//!   the `argon2` crate's, which compares in constant time. When a username
//!   is unknown a dummy hash is verified instead, so the time taken says
//!   nothing either.
//! * Lockout: the fifth failed sign-in in a row locks the account for
//!   [`LOCK_SECS`]; while locked even the right password is refused, and
//!   each failure after the lock ends locks it again until a sign-in
//!   succeeds. Each source address may fail [`IP_FAILURES`] times in
//!   [`LOCK_SECS`] (kept in memory). Every refusal shows the same message.
//! * Sessions: [`random_token`] (32 bytes, hex) in the `safer_session`
//!   cookie; the database holds [`digest`] of it. A successful sign-in
//!   ends any session the browser had and starts a new one.
//! * CSRF: each session has its own token, rendered in every form. Before
//!   there is a session, the sign-in form uses the double-submit cookie
//!   `safer_csrf`. The gate checks them.

use axum::Extension;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rand::{Rng, RngCore, rngs::OsRng};
use safer_domain::User;
use safer_store::db::{AuditEntry, unix_now};
use sha2::{Digest, Sha256};

use crate::html::{self, esc};
use crate::{AppState, PasswordCost, WebError};

pub(crate) const SESSION_COOKIE: &str = "safer_session";
pub(crate) const CSRF_COOKIE: &str = "safer_csrf";
/// The form field and API header carrying the CSRF token.
pub(crate) const CSRF_FIELD: &str = "csrf_token";
pub(crate) const CSRF_HEADER: &str = "x-csrf-token";
/// Failed sign-ins in a row that lock an account.
pub(crate) const MAX_FAILURES: i64 = 5;
/// How long a lock lasts, and the window of the per-address throttle.
pub(crate) const LOCK_SECS: i64 = 15 * 60;
/// Failed sign-ins allowed from one address in [`LOCK_SECS`].
pub(crate) const IP_FAILURES: usize = 20;

/// The characters of generated passwords: no 0/O, 1/l/I.
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/// Hashes a password as an argon2id PHC string.
pub fn hash_password(password: &str, cost: PasswordCost) -> Result<String, WebError> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    use argon2::{Algorithm, Argon2, Params, Version};
    let params = match cost {
        PasswordCost::Production => Params::new(19 * 1024, 2, 1, None),
        PasswordCost::FastForTests => Params::new(Params::MIN_M_COST, 1, 1, None),
    }
    .map_err(|e| WebError::Password(e.to_string()))?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| WebError::Password(e.to_string()))
}

/// Whether `password` matches the PHC string (parameters from the string).
pub(crate) fn verify_password(password: &str, phc: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    match PasswordHash::new(phc) {
        Ok(parsed) => argon2::Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Twenty random characters from an alphabet without look-alikes: for demo
/// accounts and password resets.
pub fn generate_password() -> String {
    (0..20)
        .map(|_| char::from(ALPHABET[OsRng.gen_range(0..ALPHABET.len())]))
        .collect()
}

/// At least 12 characters (and at most 256), not one character repeated.
pub fn check_password_strength(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < 12 {
        return Err(format!(
            "The password must be at least 12 characters long; this one has {n}."
        ));
    }
    if n > 256 {
        return Err("The password must be at most 256 characters long.".into());
    }
    let mut chars = password.chars();
    if let Some(first) = chars.next()
        && chars.all(|c| c == first)
    {
        return Err("The password must not be one character repeated.".into());
    }
    if password.trim().is_empty() {
        return Err("The password must not be only spaces.".into());
    }
    Ok(())
}

/// 32 random bytes as 64 hex characters.
pub(crate) fn random_token() -> String {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    hex(&b)
}

/// The SHA-256 of a token, hex: what the database stores.
pub(crate) fn digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

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
    pub(crate) fn actor(&self) -> (String, String) {
        match &self.user {
            Some(u) => (u.username.clone(), u.agency.name.clone()),
            None => ("anonymous".to_owned(), String::new()),
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

impl AppState {
    /// Whether the address has failed too often lately; prunes old entries.
    fn throttled(&self, source: &str, now: i64) -> bool {
        let Ok(mut map) = self.failures.lock() else {
            return false;
        };
        map.retain(|_, v| {
            v.retain(|t| now - t < LOCK_SECS);
            !v.is_empty()
        });
        map.get(source).is_some_and(|v| v.len() >= IP_FAILURES)
    }

    fn note_failure(&self, source: &str, now: i64) {
        if let Ok(mut map) = self.failures.lock() {
            map.entry(source.to_owned()).or_default().push(now);
        }
    }

    pub(crate) async fn audit(&self, caller: &Caller, action: &str, target: &str, detail: &str) {
        let (actor, agency) = caller.actor();
        self.audit_as(&actor, &agency, &caller.source, action, target, detail)
            .await;
    }

    pub(crate) async fn audit_as(
        &self,
        actor: &str,
        agency: &str,
        source: &str,
        action: &str,
        target: &str,
        detail: &str,
    ) {
        let entry = AuditEntry {
            actor: actor.to_owned(),
            agency: agency.to_owned(),
            action: action.to_owned(),
            target: target.to_owned(),
            detail: detail.to_owned(),
            source: source.to_owned(),
        };
        if let Err(e) = self.db.audit(&entry).await {
            eprintln!("safer-web: could not write the audit entry {entry:?}: {e}");
        }
    }
}

/// A username as written to the audit log: trimmed and cut to 100 characters.
fn audit_name(username: &str) -> String {
    username
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect()
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
    let now = unix_now();
    let refuse = |status: StatusCode, errors: &[(&str, &str)]| {
        html::html_response(
            status,
            form_page(&app, &caller, &next, &username, errors, false),
        )
    };
    if app.throttled(&caller.source, now) {
        app.audit_as(
            &audit_name(&username),
            "",
            &caller.source,
            "sign_in_throttled",
            "/sign-in",
            "too many failed sign-ins from this address",
        )
        .await;
        return Ok(refuse(
            StatusCode::TOO_MANY_REQUESTS,
            &[(
                "username",
                "There have been too many failed sign-ins from your network. Wait 15 minutes and try again.",
            )],
        ));
    }
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
    let state = app.db.login_state_by_username(&username).await?;
    // A refusal: why, and the agency when the user exists.
    let outcome: Result<User, (&str, String)> = match state {
        None => {
            verify_password(&form.password, &app.dummy_hash);
            Err(("unknown username", String::new()))
        }
        Some(s) if !s.user.active => {
            verify_password(&form.password, &app.dummy_hash);
            Err(("account disabled", s.user.agency.name))
        }
        Some(s) if s.locked_until > now => {
            verify_password(&form.password, &app.dummy_hash);
            Err(("account locked", s.user.agency.name))
        }
        Some(s) => {
            if verify_password(&form.password, &s.password_hash) {
                Ok(s.user)
            } else {
                let failures = s.failed_logins + 1;
                let lock = (failures >= MAX_FAILURES).then_some(now + LOCK_SECS);
                app.db.record_login_failure(s.user.id, lock).await?;
                if lock.is_some() {
                    app.audit_as(
                        &s.user.username,
                        &s.user.agency.name,
                        &caller.source,
                        "account_locked",
                        "/sign-in",
                        &format!("locked for 15 minutes after {failures} failed sign-ins"),
                    )
                    .await;
                }
                Err(("wrong password", s.user.agency.name))
            }
        }
    };
    let user = match outcome {
        Ok(u) => u,
        Err((why, agency)) => {
            app.note_failure(&caller.source, now);
            let action = if why == "account locked" {
                "sign_in_locked"
            } else {
                "sign_in_failed"
            };
            app.audit_as(
                &audit_name(&username),
                &agency,
                &caller.source,
                action,
                "/sign-in",
                why,
            )
            .await;
            return Ok(refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                &[("username", REFUSED)],
            ));
        }
    };
    app.db.record_login_success(user.id).await?;
    // A new session every time: a session token planted before sign-in is
    // worthless after it.
    if let Some(old) = cookie(&headers, SESSION_COOKIE) {
        app.db.delete_session(&digest(&old)).await?;
    }
    let token = random_token();
    app.db
        .create_session(
            &digest(&token),
            user.id,
            &random_token(),
            now + app.config.session_idle_secs,
        )
        .await?;
    app.audit_as(
        &user.username,
        &user.agency.name,
        &caller.source,
        "sign_in",
        "/sign-in",
        "",
    )
    .await;
    let mut resp = html::redirect(&next);
    let secure = app.config.secure_cookies;
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, Some(&token), secure),
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
    if let Via::Session { token_hash } = &caller.via {
        app.db.delete_session(token_hash).await?;
    }
    app.audit(&caller, "sign_out", "/sign-out", "").await;
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
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery", PasswordCost::FastForTests).unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=8,t=1,p=1$"), "{h}");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterz", &h));
        assert!(!verify_password("x", "not a hash"));
        let p = hash_password("x", PasswordCost::Production).unwrap();
        assert!(p.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{p}");
    }

    #[test]
    fn generated_passwords_are_strong_and_unambiguous() {
        let a = generate_password();
        assert_eq!(a.len(), 20);
        assert!(a.bytes().all(|b| ALPHABET.contains(&b)));
        assert!(!a.contains(['0', 'O', '1', 'l', 'I']));
        assert_ne!(a, generate_password());
        assert!(check_password_strength(&a).is_ok());
    }

    #[test]
    fn strength_says_why_not() {
        assert!(check_password_strength("short").unwrap_err().contains("12"));
        assert!(check_password_strength("aaaaaaaaaaaaaaa").is_err());
        assert!(check_password_strength("a long enough pass").is_ok());
    }

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
