#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
//! Safer's web application: the partnership's officers, analysts and
//! partners sign in to see the dashboard, explore the strategic assessment,
//! read the plan, update their agency's actions, download the fund return
//! and import police.uk data; administrators read the audit log. A JSON API
//! under `/api/v1` serves the same figures to other systems.
//!
//! # Design
//!
//! * **One route table** ([`routes::ROUTES`]). Every route is a
//!   [`routes::RouteSpec`]: method, path, who may use it (public, or a list
//!   of roles), whether it is a page, an API call or an asset, whether it
//!   shows personal data, and how it is audited. The router is built from
//!   the table (a route with no handler cannot be registered, and a handler
//!   with no row cannot be reached), and [`access_matrix_markdown`] renders
//!   the same table as the matrix in `docs/roles.md`. The integration tests
//!   iterate the table, so a new route cannot escape the access tests.
//! * **One gate** (`guard.rs`). A middleware on every route finds the row of
//!   the matched path (axum's `MatchedPath`), identifies the caller (session
//!   cookie, or `Authorization: Bearer` on the API), checks the caller's
//!   roles against the row and, for tokens, the `read`/`write` scope, checks
//!   the CSRF token of every state-changing request from a browser, runs the
//!   handler, turns a [`WebError`] into a GOV.UK error page or an RFC 9457
//!   problem, and audits refusals (`access_denied`, `csrf_rejected`).
//!   Handlers call the tasks of `safer-app` with the caller as an
//!   [`safer_app::Actor`]: the tasks authorise the record (an agency lead
//!   updates only their own agency's actions), scope what is read, and write
//!   their audit entries in the same transaction as their changes.
//! * **Sessions** are 32 random bytes in the `safer_session` cookie
//!   (HttpOnly, SameSite=Strict, Secure behind TLS); the database holds only
//!   their SHA-256 digest, with the session's CSRF token and an idle expiry
//!   moved forward on every request. Signing in always issues a new session.
//!   The sign-in form, which comes before any session, uses a double-submit
//!   CSRF cookie (`safer_csrf`).
//! * **Passwords** are argon2id PHC strings, verified by the `argon2` crate
//!   (constant time). Five failed sign-ins lock an account for 15 minutes;
//!   each source address may fail 20 times in 15 minutes. Whatever the
//!   reason, a refused sign-in says the same thing, so no one learns whether
//!   a username exists.
//! * **Security headers** on every response: a strict Content-Security-Policy
//!   (no inline styles or scripts: CSS is served from `/assets/safer.css`),
//!   `X-Content-Type-Options`, `X-Frame-Options`, `Referrer-Policy`,
//!   `Cache-Control: no-store` on everything but assets, and HSTS behind TLS.
//!   The printable reports of `safer-report` carry their own `<style>`
//!   block; they are served whole on their own routes with that block
//!   allowed by its SHA-256 hash, and nothing else relaxed.
//! * **Audit**: sign-ins (success, failure, lockout), sign-outs, every change,
//!   every export and every view of personal data go to the hash-chained
//!   audit log, with the user, agency, what was done and the client's
//!   address, written by the tasks of `safer-app`; the gate adds refusals.

mod api;
mod auth;
mod data;
mod error;
mod guard;
mod http;
mod input;
mod map;
mod observe;
mod openapi;
mod pages;
mod proxy;
mod render;
mod router;
pub mod routes;
mod security;
mod view;

use std::path::PathBuf;
use std::sync::Arc;

pub use error::WebError;
pub use proxy::TrustedProxies;
pub use routes::access_matrix_markdown;

/// How the web application runs.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Seconds a session lives without use (default 1800).
    pub session_idle_secs: i64,
    /// Seconds a session lives however much it is used (default 12 hours).
    pub session_max_secs: i64,
    /// True behind TLS: cookies get `Secure` and responses HSTS.
    pub secure_cookies: bool,
    /// A folder holding govuk-frontend's `dist/govuk` files, served under
    /// `/assets/govuk/`. `None`: pages use Safer's own stylesheet only.
    pub static_dir: Option<PathBuf>,
    /// Reverse proxies whose `X-Forwarded-For` names the client, for the
    /// sign-in throttle and the audit log (default: none).
    pub trusted_proxies: TrustedProxies,
    /// How long a connection may take to send a request's headers, and may
    /// stay open idle between requests (default 30 seconds).
    pub header_read_timeout: std::time::Duration,
}

impl WebConfig {
    /// The defaults: sessions of 30 minutes idle and 12 hours at most, no TLS, no govuk-frontend folder.
    pub fn new() -> WebConfig {
        WebConfig {
            session_idle_secs: 1800,
            session_max_secs: safer_app::SESSION_MAX_SECS,
            secure_cookies: false,
            static_dir: None,
            trusted_proxies: TrustedProxies::none(),
            header_read_timeout: std::time::Duration::from_secs(30),
        }
    }
}

impl Default for WebConfig {
    fn default() -> WebConfig {
        WebConfig::new()
    }
}

/// What every handler shares.
#[derive(Clone)]
pub(crate) struct AppState(Arc<Inner>);

pub(crate) struct Inner {
    /// The tasks, the data and the clock.
    pub app: safer_app::App,
    pub config: WebConfig,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// The application as an axum router. Serve it with
/// `into_make_service_with_connect_info::<SocketAddr>()` so that audit
/// entries carry the client's address (as [`serve`] does).
pub fn router(app: safer_app::App, config: WebConfig) -> axum::Router {
    let state = AppState(Arc::new(Inner { app, config }));
    router::build(state)
}

/// Serves the application on `listener` until the process ends.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: safer_app::App,
    config: WebConfig,
) -> std::io::Result<()> {
    let header_timeout = config.header_read_timeout;
    let router = router(app, config);
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(c) => c,
            // Out of file descriptors, say: wait, rather than end the server.
            Err(_) => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let service = tower::ServiceExt::map_request(
            router.clone(),
            move |mut req: axum::http::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                req
            },
        );
        tokio::spawn(async move {
            // A client must send a request's headers within the timeout,
            // and an idle kept-alive connection is closed after it, so slow
            // or idle connections cannot hold the server's sockets.
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(header_timeout)
                .keep_alive(true)
                .serve_connection(
                    hyper_util::rt::TokioIo::new(stream),
                    hyper_util::service::TowerToHyperService::new(service),
                )
                .with_upgrades()
                .await;
        });
    }
}
