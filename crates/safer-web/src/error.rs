//! Errors, and the only place they become HTTP.
//!
//! A handler returns a [`WebError`]; its `IntoResponse` keeps only what may
//! be shown (a status and, for errors about the request, a message for
//! people) in an [`ErrorInfo`] extension and logs the rest. The gate then
//! renders it for the kind of route: a GOV.UK error page for pages, an RFC
//! 9457 `application/problem+json` body for the API. Internal messages
//! (database, files) are logged to stderr and never sent.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use safer_app::AppError;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Nothing at that address; the message is for people.
    #[error("not found: {0}")]
    NotFound(String),
    /// The request is malformed (a bad parameter); the message is for people.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The request is well formed but its content is not valid; the message
    /// is for people.
    #[error("unprocessable: {0}")]
    Unprocessable(String),
    /// No one is signed in, or the API token is missing, unknown, expired
    /// or revoked.
    #[error("not signed in")]
    Unauthorised,
    /// Signed in, but not allowed; the message is for people.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The change conflicts with what is stored; the message is for people.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The server lacks what the request needs (Chromium, to print a
    /// PDF); the message is for people.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Too many attempts.
    #[error("too many requests")]
    TooManyRequests,
    #[error("internal: {0}")]
    Internal(String),
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> WebError {
        match e {
            AppError::NotFound(m) => WebError::NotFound(m),
            AppError::Refused(m) => WebError::Forbidden(m),
            AppError::Invalid(m) => WebError::Unprocessable(m),
            AppError::Conflict(m) => WebError::Conflict(m),
            e @ (AppError::TooSmall(_) | AppError::Busy) => WebError::Unprocessable(e.to_string()),
            AppError::Internal(m) => WebError::Internal(m),
        }
    }
}

impl From<tokio::task::JoinError> for WebError {
    fn from(e: tokio::task::JoinError) -> WebError {
        WebError::Internal(format!("a background task failed: {e}"))
    }
}

/// What may be shown of an error: set on the response for the gate.
#[derive(Debug, Clone)]
pub(crate) struct ErrorInfo {
    pub status: StatusCode,
    /// A message for people, when the error is about their request.
    pub detail: Option<String>,
}

impl WebError {
    pub(crate) fn info(&self) -> ErrorInfo {
        let (status, detail) = match self {
            WebError::NotFound(m) => (StatusCode::NOT_FOUND, Some(m.clone())),
            WebError::BadRequest(m) => (StatusCode::BAD_REQUEST, Some(m.clone())),
            WebError::Unprocessable(m) => (StatusCode::UNPROCESSABLE_ENTITY, Some(m.clone())),
            WebError::Unauthorised => (StatusCode::UNAUTHORIZED, None),
            WebError::Forbidden(m) => (StatusCode::FORBIDDEN, Some(m.clone())),
            WebError::Conflict(m) => (StatusCode::CONFLICT, Some(m.clone())),
            WebError::Unavailable(m) => (StatusCode::SERVICE_UNAVAILABLE, Some(m.clone())),
            WebError::TooManyRequests => (StatusCode::TOO_MANY_REQUESTS, None),
            WebError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, None),
        };
        ErrorInfo { status, detail }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let info = self.info();
        if info.status.is_server_error() {
            eprintln!("safer-web: error: {self}");
        }
        let mut resp = (info.status, title(info.status)).into_response();
        resp.extensions_mut().insert(info);
        resp
    }
}

/// The short title of a status, as pages and problems print it.
pub(crate) fn title(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    }
}

/// An RFC 9457 problem: `type`, `title`, `status`, `detail`.
pub(crate) fn problem(status: StatusCode, detail: Option<&str>) -> Response {
    let detail = detail.map_or_else(|| default_detail(status).to_owned(), str::to_owned);
    let mut body = serde_json::json!({
        "type": "about:blank",
        "title": title(status),
        "status": status.as_u16(),
        "detail": detail,
    });
    if let Some(id) = crate::observe::request_id() {
        body["request_id"] = serde_json::Value::String(id);
    }
    let mut resp = (status, body.to_string()).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    if status == StatusCode::UNAUTHORIZED {
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"safer\""),
        );
    }
    resp
}

/// What to say when a handler gave no message.
pub(crate) fn default_detail(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "The request is not valid.",
        401 => "Sign in, or send a valid API token as Authorization: Bearer <token>.",
        403 => "You do not have access to this.",
        404 => "There is nothing at this address.",
        405 => "This address does not accept that method.",
        409 => "The change conflicts with what is held.",
        413 => "The request is too large.",
        415 => "The request's content type is not accepted here.",
        422 => "The request's content is not valid.",
        429 => "There have been too many attempts. Wait 15 minutes and try again.",
        _ => "Sorry, there is a problem with the service. Try again later.",
    }
}
