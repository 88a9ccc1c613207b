//! What an operator sees of each request: a request id, and one log line.
//!
//! Every request gets an id, sent back in `X-Request-Id` and shown on error
//! pages and in problem documents, so that a user who reports a failure can
//! quote it and the operator can find its line. The line (the `tracing`
//! target `safer::http`) gives the method, the route as the route table
//! writes it (`/actions/{id}/update`, never the address with its ids or
//! query), the status and the duration: no personal data, no user, no
//! address.

use std::time::Instant;

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

tokio::task_local! {
    /// The id of the request being served.
    static REQUEST_ID: String;
}

/// The route a response answered, as the route table writes it: set by
/// the gate, read for the log line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RouteName(pub &'static str);

/// The id of the request being served, for error pages and problems.
pub(crate) fn request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// A new request id: 16 hex characters, random.
fn new_id() -> String {
    safer_app::random_token()[..16].to_owned()
}

/// The outermost layer: gives the request its id, serves it within it,
/// and logs the line.
pub(crate) async fn observe(req: Request, next: Next) -> Response {
    let id = new_id();
    let method = req.method().clone();
    let started = Instant::now();
    let mut resp = REQUEST_ID.scope(id.clone(), next.run(req)).await;
    let route = resp
        .extensions()
        .get::<RouteName>()
        .map_or("(no route)", |r| r.0);
    let status = resp.status().as_u16();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(
        target: "safer::http",
        request_id = %id,
        method = %method,
        route,
        status,
        duration_ms = (ms * 10.0).round() / 10.0,
        "request"
    );
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}
