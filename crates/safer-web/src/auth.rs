//! Cookies, CSRF tokens and the caller: what the gate knows of a request.
//!
//! Passwords, lockout, throttling and sessions are the app's
//! ([`safer_app::App::sign_in`]); this module and the sign-in page
//! (`pages/sign_in.rs`) carry them over HTTP:
//!
//! * Sessions: a random token (32 bytes, hex) in the `safer_session`
//!   cookie; the database holds its digest. A successful sign-in ends any
//!   session the browser had and starts a new one.
//! * CSRF: each session has its own token, rendered in every form. Before
//!   there is a session, the sign-in form uses the double-submit cookie
//!   `safer_csrf`. The gate checks them.

use axum::http::{HeaderMap, HeaderValue, header};
use safer_app::{Actor, Channel};
use safer_domain::User;

use crate::WebError;

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

#[cfg(test)]
mod tests {
    use super::*;
    use safer_app::{digest, random_token};

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
