//! Signing in and out, CSRF, lockout, session expiry and security headers.

use reqwest::StatusCode;
use safer_domain::Role;

use crate::helpers::{Options, csrf_in, location, password_of, spawn_apps, to_sign_in};

fn no_data() -> Options {
    Options {
        data: false,
        ..Options::default()
    }
}

/// The error message of a refused sign-in page.
fn refusal(body: &str) -> String {
    let at = body
        .find("govuk-error-summary__list")
        .expect("an error summary");
    let rest = &body[at..];
    let a = rest.find("\">").expect("link") + 2;
    let b = rest[a..].find("</a>").expect("end");
    rest[a..a + b].to_owned()
}

#[tokio::test]
async fn sign_in_succeeds_and_fails() {
    for app in spawn_apps(no_data()).await {
        let b = app.backend;
        // Not signed in: sent to sign in, with the page to come back to.
        let c = app.client();
        let r = c.get("/plans/x?y=1").await;
        assert!(to_sign_in(&r), "[{b}]");
        assert_eq!(location(&r), "/sign-in?next=/plans/x%3Fy%3D1");

        let r = c.sign_in("analyst", &password_of(Role::Analyst)).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        assert_eq!(location(&r), "/");
        let cookie = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|v| v.starts_with("safer_session="))
            .expect("a session cookie");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Strict"), "{cookie}");
        assert!(cookie.contains("Path=/"), "{cookie}");
        assert!(!cookie.contains("Secure"), "{cookie}");
        let home = c.get("/").await;
        assert_eq!(home.status(), StatusCode::OK, "[{b}]");
        let body = home.text().await.unwrap();
        assert!(body.contains("Signed in as Analyst user"), "[{b}]");

        // Signing out ends the session.
        let r = c.post_form("/sign-out", &[]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&r), "/sign-in?signed_out=1");
        assert!(to_sign_in(&c.get("/").await), "[{b}] still signed in");

        // A wrong password and an unknown user read the same.
        let c = app.client();
        let wrong = c.sign_in("analyst", "not the password at all").await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        let wrong = wrong.text().await.unwrap();
        let unknown = c.sign_in("nobody-here", "not the password at all").await;
        assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        let unknown = unknown.text().await.unwrap();
        assert_eq!(refusal(&wrong), refusal(&unknown));
        assert!(wrong.contains("<title>Error: Sign in – Safer</title>"));
        assert!(to_sign_in(&c.get("/").await));

        // Empty fields are named.
        let r = c.sign_in("", "").await;
        let body = r.text().await.unwrap();
        assert!(body.contains("Enter your username") && body.contains("Enter your password"));

        // A sign-in never redirects off the site.
        let r = c
            .post_form(
                "/sign-in",
                &[
                    ("username", "analyst"),
                    ("password", &password_of(Role::Analyst)),
                    ("next", "//evil.example/"),
                ],
            )
            .await;
        assert_eq!(location(&r), "/");
        app.stop().await;
    }
}

#[tokio::test]
async fn signing_in_starts_a_new_session() {
    for app in spawn_apps(no_data()).await {
        let c = app.login_as(Role::Analyst).await;
        let first = c.csrf().await;
        // Signing in again (as someone else) replaces the session.
        let r = c
            .sign_in("caseworker", &password_of(Role::Caseworker))
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let body = c.get("/").await.text().await.unwrap();
        assert!(body.contains("Signed in as Caseworker user"));
        assert_ne!(csrf_in(&body).unwrap(), first);
        app.stop().await;
    }
}

#[tokio::test]
async fn posts_without_the_right_csrf_token_are_refused() {
    for app in spawn_apps(no_data()).await {
        let b = app.backend;
        let c = app.login_as(Role::JagCoordinator).await;
        let path = format!("/actions/{}/update", app.ids.own_action);
        let fields = [("status", "on_track"), ("text", "Going well")];
        let r = c.post_form_raw(&path, &fields).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "[{b}] no token");
        let mut wrong = vec![("csrf_token", "0".repeat(64))];
        wrong.extend(fields.iter().map(|(k, v)| (*k, (*v).to_owned())));
        let wrong: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = c.post_form_raw(&path, &wrong).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "[{b}] wrong token");
        assert!(r.text().await.unwrap().contains("govuk-heading-l"));
        // Sign-out is a POST too.
        let r = c.post_form_raw("/sign-out", &[]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "[{b}]");
        // The API with a session needs the header.
        let r = c
            .http
            .post(c.url(&format!("/api/v1/actions/{}/updates", app.ids.own_action)))
            .header("content-type", "application/json")
            .body(r#"{"status":"on_track","text":"x"}"#)
            .send()
            .await
            .unwrap();
        crate::helpers::problem(r, 403).await;
        // Nothing was recorded.
        let actions = app.db.actions(&app.ids.plan).await.unwrap();
        assert!(actions.iter().all(|a| a.updates.is_empty()));
        // The right token works.
        let r = c.post_form(&path, &fields).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        // The sign-in form needs its pre-session token too.
        let anon = app.client();
        let r = anon
            .post_form_raw(
                "/sign-in",
                &[
                    ("username", "analyst"),
                    ("password", &password_of(Role::Analyst)),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "[{b}]");
        // Multipart uploads carry it as their first field.
        let analyst = app.login_as(Role::Analyst).await;
        let r = analyst
            .post_multipart(
                "/import",
                &[(
                    "files",
                    Some("2023-04-leicestershire-street.csv"),
                    b"x".to_vec(),
                )],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "[{b}]");
        app.stop().await;
    }
}

#[tokio::test]
async fn five_failures_lock_the_account() {
    for app in spawn_apps(no_data()).await {
        let b = app.backend;
        let c = app.client();
        let unknown = c.sign_in("no-such-user", "whatever it is").await;
        let unknown = refusal(&unknown.text().await.unwrap());
        for i in 0..5 {
            let r = c.sign_in("analyst", &format!("wrong password {i}")).await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}] {i}");
        }
        let state = app
            .db
            .login_state_by_username("analyst")
            .await
            .unwrap()
            .unwrap();
        assert!(
            state.locked_until > safer_store::db::unix_now() + 800,
            "[{b}] locked for 15 minutes"
        );
        // The right password is refused while locked, in the same words.
        let r = c.sign_in("analyst", &password_of(Role::Analyst)).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        let locked = refusal(&r.text().await.unwrap());
        assert_eq!(locked, unknown, "[{b}] the message must not tell");
        assert!(!locked.to_lowercase().contains("exist"));
        assert!(to_sign_in(&c.get("/").await));
        // Another user is not affected.
        let r = c
            .sign_in("caseworker", &password_of(Role::Caseworker))
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        // Resetting the password unlocks.
        let hash = safer_app::hash_password(
            "a brand new password",
            safer_app::PasswordCost::FastForTests,
        )
        .unwrap();
        app.db
            .set_password(state.user.id, &hash, &crate::helpers::seeded())
            .await
            .unwrap();
        let c = app.client();
        let r = c.sign_in("analyst", "a brand new password").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        let log = app.db.audit_log(100).await.unwrap();
        assert!(
            log.iter()
                .any(|e| e.action == "account_locked" && e.actor == "analyst")
        );
        assert!(log.iter().any(|e| e.action == "sign_in_locked"));
        app.stop().await;
    }
}

#[tokio::test]
async fn sessions_expire_when_idle() {
    let opts = Options {
        data: false,
        session_idle_secs: 1,
        ..Options::default()
    };
    for app in spawn_apps(opts).await {
        // The application's clock stands still until moved: within the
        // idle limit the session lives, a second past it, it is gone.
        let c = app.login_as(Role::ReadOnlyPartner).await;
        assert_eq!(
            c.get("/").await.status(),
            StatusCode::OK,
            "[{}]",
            app.backend
        );
        app.clock.advance(1);
        let r = c.get("/").await;
        assert!(to_sign_in(&r), "[{}] {:?}", app.backend, r.status());
        app.stop().await;
    }
}

fn check_headers(r: &reqwest::Response, what: &str, hsts: bool) {
    let h = r.headers();
    let get = |n: &str| h.get(n).and_then(|v| v.to_str().ok()).unwrap_or("");
    assert_eq!(
        get("content-security-policy"),
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        "{what}"
    );
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(get("x-frame-options"), "DENY", "{what}");
    assert_eq!(get("referrer-policy"), "no-referrer", "{what}");
    assert_eq!(
        h.contains_key("strict-transport-security"),
        hsts,
        "{what}: HSTS only behind TLS"
    );
}

#[tokio::test]
async fn every_response_has_the_security_headers() {
    for app in spawn_apps(no_data()).await {
        let anon = app.client();
        for path in [
            "/sign-in",
            "/",
            "/no-such-page",
            "/assets/safer.css",
            "/api/v1/plans",
        ] {
            let r = anon.get(path).await;
            check_headers(&r, path, false);
        }
        let c = app.login_as(Role::Caseworker).await;
        for path in ["/", "/admin/audit", "/plans/nope", "/api/v1/openapi.json"] {
            let r = c.get(path).await;
            check_headers(&r, path, false);
            assert_eq!(
                r.headers().get("cache-control").unwrap(),
                "no-store",
                "{path}"
            );
        }
        let r = c.get("/no-such-page").await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert!(r.text().await.unwrap().contains("Page not found"));
        // The stylesheet may be cached and is the only style.
        let r = anon.get("/assets/safer.css").await;
        assert_eq!(
            r.headers().get("content-type").unwrap(),
            "text/css; charset=utf-8"
        );
        let css = r.text().await.unwrap();
        assert!(!css.contains("Transport"), "no GOV.UK Transport font");
        assert!(css.contains("Arial"));
        // Pages carry no inline styles or scripts.
        let page = c.get("/").await.text().await.unwrap();
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\""));
        assert!(page.contains("<a href=\"#main-content\" class=\"govuk-skip-link\">"));
        assert!(!page.contains("style=") && !page.contains("<style") && !page.contains("<script"));
        app.stop().await;
    }
    // Behind TLS: HSTS and Secure cookies.
    let opts = Options {
        data: false,
        secure_cookies: true,
        ..Options::default()
    };
    for app in spawn_apps(opts).await {
        let r = app.client().get("/sign-in").await;
        check_headers(&r, "/sign-in over TLS", true);
        let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap();
        assert!(
            cookie.starts_with("safer_csrf=") && cookie.contains("; Secure"),
            "{cookie}"
        );
        app.stop().await;
    }
}

/// Behind a trusted proxy, the sign-in throttle and the audit log use the
/// address the proxy forwarded for, so one person's failures lock out only
/// that address; from any other peer, `X-Forwarded-For` is ignored.
#[tokio::test]
async fn a_trusted_proxy_names_the_client() {
    let opts = Options {
        data: false,
        trusted_proxies: "127.0.0.1",
        ..Options::default()
    };
    for app in spawn_apps(opts).await {
        let b = app.backend;
        let attacker = app.client_forwarded_for("198.51.100.7");
        for _ in 0..20 {
            let r = attacker.sign_in("nobody", "not the password").await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        }
        let r = attacker.sign_in("nobody", "not the password").await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "[{b}]");
        // Someone else behind the same proxy still signs in.
        let other = app.client_forwarded_for("198.51.100.8");
        let r = other
            .sign_in("caseworker", &password_of(Role::Caseworker))
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        let log = app.db.audit_log(100).await.unwrap();
        assert!(
            log.iter()
                .any(|e| e.action == "sign_in_failed" && e.source == "web 198.51.100.7"),
            "[{b}]"
        );
        assert!(
            log.iter()
                .any(|e| e.action == "sign_in" && e.source == "web 198.51.100.8"),
            "[{b}]"
        );
        app.stop().await;
    }
    // Without it, the header is anyone's to write, and is ignored.
    for app in spawn_apps(no_data()).await {
        let b = app.backend;
        let c = app.client_forwarded_for("198.51.100.7");
        let _ = c.sign_in("nobody", "not the password").await;
        let log = app.db.audit_log(10).await.unwrap();
        assert!(
            log.iter()
                .any(|e| e.action == "sign_in_failed" && e.source == "web 127.0.0.1"),
            "[{b}] {log:#?}"
        );
        app.stop().await;
    }
}

/// A connection that sends no request, or sends headers too slowly, or sits
/// idle after a response, is closed, so slow clients cannot hold the
/// server's connections open.
#[tokio::test]
async fn slow_and_idle_connections_are_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let opts = Options {
        data: false,
        header_read_timeout: std::time::Duration::from_secs(1),
        ..Options::default()
    };
    for app in spawn_apps(opts).await {
        let b = app.backend;
        // Reads until the server closes; fails the test if it never does.
        async fn closed(s: &mut tokio::net::TcpStream) -> Vec<u8> {
            let mut got = Vec::new();
            let read = tokio::time::timeout(std::time::Duration::from_secs(15), async {
                let mut buf = [0u8; 4096];
                loop {
                    match s.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
            })
            .await;
            assert!(read.is_ok(), "the server kept the connection open");
            got
        }
        // Nothing sent.
        let mut s = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        closed(&mut s).await;
        // Half a request's headers, then nothing.
        let mut s = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        s.write_all(b"GET /sign-in HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        closed(&mut s).await;
        // A whole request, answered, then idle on a kept-alive connection.
        let mut s = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        s.write_all(b"GET /sign-in HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let got = closed(&mut s).await;
        assert!(
            got.starts_with(b"HTTP/1.1 200"),
            "[{b}] {}",
            String::from_utf8_lossy(&got[..got.len().min(80)])
        );
        app.stop().await;
    }
}
