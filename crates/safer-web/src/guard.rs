//! The gate every request passes, and the security headers.
//!
//! [`guard`] runs on every route (it is a layer of the whole router, which
//! axum applies route by route, so the matched path is known):
//!
//! 1. find the route's row in [`ROUTES`](crate::routes::ROUTES) by method
//!    and matched path;
//! 2. identify the caller: on the API an `Authorization: Bearer` token
//!    (stored as its SHA-256 digest; unknown, expired or revoked → 401),
//!    otherwise the session cookie, whose idle expiry moves forward;
//! 3. authorise: the row's roles against the user's (not signed in: the
//!    sign-in page, or 401 on the API; signed in without the role: 403),
//!    and a token's scope (`read` for GET, `write` for POST);
//! 4. check the CSRF token of every POST made with cookies: the form field
//!    `csrf_token` (url-encoded forms, and the first field of multipart
//!    forms, read ahead without buffering the upload), or the
//!    `X-CSRF-Token` header on the API; missing or wrong → 403;
//! 5. run the handler, then render any error for the kind of route (a
//!    GOV.UK page or `application/problem+json`);
//! 6. audit refusals of signed-in users (`access_denied`, `csrf_rejected`).
//!    Changes, exports and views of personal data are audited by the app's
//!    tasks the handlers call, in the same transaction as the change (the
//!    route table's `Audit` column says which, and the tests hold each
//!    route to it).
//!
//! [`headers`] adds the security headers to every response.

use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{Method as HttpMethod, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::{self, CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, Caller, SESSION_COOKIE, Via};
use crate::error::ErrorInfo;
use crate::routes::{self, Kind, Method, RouteSpec};
use crate::{AppState, WebError, http};

/// The largest url-encoded form accepted.
const FORM_LIMIT: usize = 256 * 1024;
/// How far into a multipart body the CSRF field must be found.
const MULTIPART_LOOKAHEAD: usize = 16 * 1024;

impl AppState {
    /// Records a refusal of the gate. A refusal is already refused: if its
    /// entry cannot be written, that is logged, not shown.
    pub(crate) async fn audit(&self, caller: &Caller, action: &str, target: &str, detail: &str) {
        if let Err(e) = self
            .app
            .record_event(&caller.actor(), action, target, detail)
            .await
        {
            eprintln!("safer-web: could not write the audit entry {action} {target}: {e}");
        }
    }
}

/// The client's address: the peer's, or, from a trusted proxy, whom it
/// forwarded for (see [`crate::proxy`]).
fn client_address(app: &AppState, req: &Request) -> String {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(
            || "unknown".to_owned(),
            |c| {
                app.config
                    .trusted_proxies
                    .client(c.0.ip(), req.headers())
                    .to_string()
            },
        )
}

/// Who is calling. Fails (401) only for a bad bearer token.
async fn identify(
    app: &AppState,
    headers: &axum::http::HeaderMap,
    source: String,
    spec: &RouteSpec,
) -> Result<Caller, WebError> {
    if spec.kind == Kind::Api
        && let Some(value) = headers.get(header::AUTHORIZATION)
    {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or(WebError::Unauthorised)?;
        return match app.app.api_token(token).await? {
            Some((user, t)) => Ok(Caller {
                user: Some(user),
                via: Via::Token {
                    id: t.id.get(),
                    scopes: t.scopes,
                },
                csrf: None,
                source,
            }),
            None => Err(WebError::Unauthorised),
        };
    }
    if let Some(token) = auth::cookie(headers, SESSION_COOKIE) {
        let token_hash = safer_app::digest(&token);
        if let Some(s) = app
            .app
            .session(
                &token_hash,
                app.config.session_idle_secs,
                app.config.session_max_secs,
            )
            .await?
        {
            return Ok(Caller {
                user: Some(s.user),
                via: Via::Session { token_hash },
                csrf: Some(s.csrf_token),
                source,
            });
        }
    }
    Ok(Caller {
        user: None,
        via: Via::Anonymous,
        csrf: auth::cookie(headers, CSRF_COOKIE),
        source,
    })
}

/// The gate: see the module documentation. The response carries the
/// route's name for the log line.
pub(crate) async fn guard(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let method = match *req.method() {
        HttpMethod::GET | HttpMethod::HEAD => Some(Method::Get),
        HttpMethod::POST => Some(Method::Post),
        _ => None,
    };
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .zip(method)
        .and_then(|(p, m)| routes::find(m, p.as_str()))
        .map(|spec| spec.path);
    let mut resp = gate(app, req, next).await;
    if let Some(r) = route {
        resp.extensions_mut().insert(crate::observe::RouteName(r));
    }
    resp
}

async fn gate(app: AppState, req: Request, next: Next) -> Response {
    let method = match *req.method() {
        HttpMethod::GET | HttpMethod::HEAD => Some(Method::Get),
        HttpMethod::POST => Some(Method::Post),
        _ => None,
    };
    let matched = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let spec = match (method, matched) {
        (Some(m), Some(p)) => routes::find(m, &p),
        _ => None,
    };
    let Some(spec) = spec else {
        // Not in the table: axum answers 404 or 405, rendered plainly.
        let anonymous = Caller {
            user: None,
            via: Via::Anonymous,
            csrf: None,
            source: client_address(&app, &req),
        };
        let api = req.uri().path().starts_with("/api/");
        let resp = next.run(req).await;
        return mark(resp, if api { Kind::Api } else { Kind::Page }, &anonymous);
    };
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    let source = client_address(&app, &req);
    let caller = match identify(&app, req.headers(), source.clone(), spec).await {
        Ok(c) => c,
        Err(e) => {
            let anonymous = Caller {
                user: None,
                via: Via::Anonymous,
                csrf: None,
                source,
            };
            return mark(e.into_response(), spec.kind, &anonymous);
        }
    };

    // Authorise.
    if !spec.allows(caller.user.as_ref()) {
        let resp = match (&caller.user, spec.kind) {
            (None, Kind::Api) => WebError::Unauthorised.into_response(),
            (None, _) => {
                let target = if spec.method == Method::Get {
                    let full = if query.is_empty() {
                        path.clone()
                    } else {
                        format!("{path}?{query}")
                    };
                    format!("/sign-in?next={}", http::url_encode(&full))
                } else {
                    "/sign-in".to_owned()
                };
                return http::redirect(&target);
            }
            (Some(_), _) => {
                app.audit(
                    &caller,
                    "access_denied",
                    &path,
                    &format!("{} {}", spec.method.as_str(), spec.path),
                )
                .await;
                WebError::Forbidden("Your role does not give you access to this.".into())
                    .into_response()
            }
        };
        return mark(resp, spec.kind, &caller);
    }
    if let Via::Token { scopes, .. } = &caller.via {
        let needed = match spec.method {
            Method::Get => "read",
            Method::Post => "write",
        };
        if !scopes.iter().any(|s| s == needed) {
            app.audit(
                &caller,
                "access_denied",
                &path,
                &format!("the API token lacks the {needed} scope"),
            )
            .await;
            let resp =
                WebError::Forbidden(format!("This API token does not have the {needed} scope."))
                    .into_response();
            return mark(resp, spec.kind, &caller);
        }
    }

    // CSRF: every POST made with cookies carries the token.
    let req = if spec.method == Method::Post && !matches!(caller.via, Via::Token { .. }) {
        match check_csrf(req, caller.csrf.as_deref(), spec.kind).await {
            Ok(r) => r,
            Err(()) => {
                if caller.user.is_some() {
                    app.audit(&caller, "csrf_rejected", &path, spec.path).await;
                }
                let resp = WebError::Forbidden(
                    "The form has expired or did not come from Safer. Go back, reload the page and try again."
                        .into(),
                )
                .into_response();
                return mark(resp, spec.kind, &caller);
            }
        }
    } else {
        req
    };

    let mut req = req;
    req.extensions_mut().insert(caller.clone());
    let resp = next.run(req).await;
    if resp.status() == axum::http::StatusCode::FORBIDDEN && caller.user.is_some() {
        // A handler's own refusal (the agency rule for actions).
        let why = resp
            .extensions()
            .get::<ErrorInfo>()
            .and_then(|i| i.detail.clone())
            .unwrap_or_default();
        app.audit(&caller, "access_denied", &path, &why).await;
    }
    mark(resp, spec.kind, &caller)
}

/// How an error in a response is to be shown: set by the gate.
#[derive(Debug, Clone)]
pub(crate) struct Rendering {
    pub kind: Kind,
    pub caller: Caller,
}

/// Marks a response with how an error in it is to be shown (a page for
/// the caller, or a problem document); the rendering layer
/// ([`crate::render`]) draws it, so the gate draws nothing itself.
fn mark(mut resp: Response, kind: Kind, caller: &Caller) -> Response {
    resp.extensions_mut().insert(Rendering {
        kind,
        caller: caller.clone(),
    });
    resp
}

/// Checks the CSRF token of a POST and gives the request back whole.
async fn check_csrf(req: Request, expected: Option<&str>, kind: Kind) -> Result<Request, ()> {
    let expected = expected.ok_or(())?;
    if kind == Kind::Api {
        let given = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .ok_or(())?;
        return auth::ct_eq(given.as_bytes(), expected.as_bytes())
            .then_some(req)
            .ok_or(());
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, FORM_LIMIT)
            .await
            .map_err(|_| ())?;
        let ok = http::form_pairs(&bytes)
            .into_iter()
            .find(|(k, _)| k == CSRF_FIELD)
            .is_some_and(|(_, v)| auth::ct_eq(v.as_bytes(), expected.as_bytes()));
        return ok
            .then(|| Request::from_parts(parts, Body::from(bytes)))
            .ok_or(());
    }
    if content_type.starts_with("multipart/form-data") {
        let boundary = boundary(req.headers()).ok_or(())?;
        let (parts, mut body) = req.into_parts();
        let mut buf: Vec<u8> = Vec::new();
        let value = loop {
            match first_field(&buf, &boundary) {
                FirstField::Found(v) => break v,
                FirstField::NotCsrf => return Err(()),
                FirstField::NeedMore if buf.len() > MULTIPART_LOOKAHEAD => return Err(()),
                FirstField::NeedMore => {}
            }
            match std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        buf.extend_from_slice(&data);
                    }
                }
                Some(Err(_)) | None => return Err(()),
            }
        };
        if !auth::ct_eq(&value, expected.as_bytes()) {
            return Err(());
        }
        let body = Body::new(Prefixed {
            prefix: Some(Bytes::from(buf)),
            rest: body,
        });
        return Ok(Request::from_parts(parts, body));
    }
    Err(())
}

/// The multipart boundary, in its original case.
fn boundary(headers: &axum::http::HeaderMap) -> Option<String> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    ct.split(';').find_map(|p| {
        let p = p.trim();
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty() && b.len() <= 200)
    })
}

enum FirstField {
    NeedMore,
    NotCsrf,
    Found(Vec<u8>),
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The value of the first part of a multipart body if it is `csrf_token`.
fn first_field(buf: &[u8], boundary: &str) -> FirstField {
    let delim = format!("--{boundary}\r\n");
    let Some(start) = find(buf, delim.as_bytes()) else {
        return FirstField::NeedMore;
    };
    let head_start = start + delim.len();
    let Some(head_len) = find(&buf[head_start..], b"\r\n\r\n") else {
        return FirstField::NeedMore;
    };
    let head =
        String::from_utf8_lossy(&buf[head_start..head_start + head_len]).to_ascii_lowercase();
    let named = head.lines().any(|l| {
        l.starts_with("content-disposition:")
            && l.contains(&format!("name=\"{CSRF_FIELD}\""))
            && !l.contains("filename")
    });
    if !named {
        return FirstField::NotCsrf;
    }
    let value_start = head_start + head_len + 4;
    let end = format!("\r\n--{boundary}");
    match find(&buf[value_start..], end.as_bytes()) {
        Some(len) => FirstField::Found(buf[value_start..value_start + len].to_vec()),
        None => FirstField::NeedMore,
    }
}

/// A body whose first bytes were read ahead.
struct Prefixed {
    prefix: Option<Bytes>,
    rest: Body,
}

impl HttpBody for Prefixed {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        if let Some(p) = self.prefix.take()
            && !p.is_empty()
        {
            return Poll::Ready(Some(Ok(http_body::Frame::data(p))));
        }
        Pin::new(&mut self.rest).poll_frame(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_multipart_field_is_found_only_when_whole() {
        let b = "XyZ";
        let body = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc123\r\n--{b}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.csv\"\r\n\r\ndata\r\n--{b}--\r\n"
        );
        for cut in 0..body
            .find("\r\n--XyZ\r\nContent-Disposition: form-data; name=\"files\"")
            .unwrap()
        {
            assert!(matches!(
                first_field(&body.as_bytes()[..cut], b),
                FirstField::NeedMore
            ));
        }
        match first_field(body.as_bytes(), b) {
            FirstField::Found(v) => assert_eq!(v, b"abc123"),
            _ => panic!("not found"),
        }
        let other = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.csv\"\r\n\r\ndata\r\n--{b}--\r\n"
        );
        assert!(matches!(
            first_field(other.as_bytes(), b),
            FirstField::NotCsrf
        ));
    }
}
