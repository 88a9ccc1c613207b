//! The rendering of errors: a response the gate or a handler marked as an
//! error becomes a GOV.UK error page for people, or an RFC 9457 problem
//! document on the API. The gate decides; this layer draws.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

use crate::auth::{Caller, Via};
use crate::error::{self, ErrorInfo};
use crate::guard::Rendering;
use crate::routes::Kind;
use crate::{AppState, view};

/// The layer: draws the error responses that pass through it.
pub(crate) async fn errors(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let resp = next.run(req).await;
    let rendering = resp
        .extensions()
        .get::<Rendering>()
        .cloned()
        .unwrap_or_else(|| Rendering {
            kind: if api { Kind::Api } else { Kind::Page },
            caller: Caller {
                user: None,
                via: Via::Anonymous,
                csrf: None,
                source: "unknown".into(),
            },
        });
    render_error(&app, resp, rendering.kind, &rendering.caller)
}

/// Renders an error response for the kind of route: the handler's
/// [`ErrorInfo`], or axum's own rejections (which carry none).
fn render_error(app: &AppState, resp: Response, kind: Kind, caller: &Caller) -> Response {
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let info = resp.extensions().get::<ErrorInfo>().cloned();
    let is_rendered = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.starts_with("text/html") || ct.starts_with("application/problem+json")
        });
    if info.is_none() && is_rendered {
        // A handler's own page (a form with its errors): keep it.
        return resp;
    }
    let detail = info.and_then(|i| i.detail);
    let mut out = match kind {
        Kind::Api => error::problem(status, detail.as_deref()),
        Kind::Page | Kind::Asset | Kind::Probe => {
            view::error_page(app, caller, status, detail.as_deref())
        }
    };
    if let Some(allow) = resp.headers().get(header::ALLOW) {
        out.headers_mut().insert(header::ALLOW, allow.clone());
    }
    out
}
