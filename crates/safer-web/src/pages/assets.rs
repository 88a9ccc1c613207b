//! `/assets/safer.css` and `/assets/favicon.svg` (built into the binary) and `/assets/govuk/…`
//! (govuk-frontend's files from [`WebConfig::static_dir`](crate::WebConfig),
//! when configured).

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::{AppState, WebError};

const SAFER_CSS: &str = include_str!("../../assets/safer.css");
const FAVICON: &str = include_str!("../../assets/favicon.svg");

/// `/assets/favicon.svg`: a shield, for the browser's tab.
pub(crate) async fn favicon() -> Response {
    with_type(FAVICON.as_bytes().to_vec(), "image/svg+xml")
}

fn with_type(body: Vec<u8>, content_type: &'static str) -> Response {
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    resp
}

/// `/healthz`: whether this server can serve (its database answers), for
/// a load balancer. It says nothing else.
pub(crate) async fn healthz(
    axum::extract::State(app): axum::extract::State<crate::AppState>,
) -> Response {
    use axum::response::IntoResponse;
    match app.app.health().await {
        Ok(()) => with_type(b"ok\n".to_vec(), "text/plain; charset=utf-8"),
        Err(_) => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            [(
                axum::http::header::CONTENT_TYPE,
                "text/plain; charset=utf-8",
            )],
            "unavailable\n",
        )
            .into_response(),
    }
}

pub(crate) async fn safer_css() -> Response {
    with_type(SAFER_CSS.as_bytes().to_vec(), "text/css; charset=utf-8")
}

fn content_type(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "map" | "json" => "application/json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        _ => return None,
    })
}

pub(crate) async fn govuk(
    State(app): State<AppState>,
    Path(path): Path<String>,
) -> Result<Response, WebError> {
    let missing = || WebError::NotFound("There is no such file.".into());
    let Some(root) = app.config.static_dir.clone() else {
        return Err(missing());
    };
    // Plain names only: no parent folders, no absolute paths, no hidden files.
    let parts: Vec<&str> = path.split('/').collect();
    if parts
        .iter()
        .any(|p| p.is_empty() || p.starts_with('.') || p.contains('\\') || p.contains(':'))
    {
        return Err(missing());
    }
    let ct = content_type(&path).ok_or_else(missing)?;
    let file = parts.iter().fold(root.clone(), |acc, p| acc.join(p));
    // Symbolic links must not lead out of the folder either.
    let (Ok(real), Ok(real_root)) = (
        tokio::fs::canonicalize(&file).await,
        tokio::fs::canonicalize(&root).await,
    ) else {
        return Err(missing());
    };
    if !real.starts_with(&real_root) {
        return Err(missing());
    }
    let bytes = tokio::fs::read(&real).await.map_err(|_| missing())?;
    Ok(with_type(bytes, ct))
}
