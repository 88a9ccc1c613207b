//! What an operator sees: a request id on every response, error page and
//! problem; one log line per request without personal data; `/healthz`.

use std::sync::{Arc, Mutex};

use reqwest::StatusCode;
use safer_domain::Role;

use crate::helpers::spawn_app;

/// Log lines written by the server in this test process.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Lines {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Lines {
    type Writer = Lines;
    fn make_writer(&'a self) -> Lines {
        self.clone()
    }
}

#[tokio::test]
async fn every_request_has_an_id_and_one_log_line_without_personal_data() {
    let lines = Lines::default();
    tracing_subscriber::fmt()
        .json()
        .with_writer(lines.clone())
        .with_max_level(tracing::Level::INFO)
        .init();
    for app in spawn_app().await {
        let b = app.backend;
        let c = app.login_as(Role::AgencyLead).await;
        let r = c
            .get(&format!(
                "/actions/{}/update?from=secret-query",
                app.ids.own_action
            ))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "[{b}]");
        let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert_eq!(id.len(), 16, "[{b}]");

        // An error page and a problem document quote their request's id.
        let r = c.get("/no-such-page").await;
        let page_id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
        let page = r.text().await.unwrap();
        assert!(
            page.contains(&format!("<code>{page_id}</code>")),
            "[{b}] {page}"
        );
        let r = app.client().get("/api/v1/plans").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "[{b}]");
        let api_id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
        let p: serde_json::Value = r.json().await.unwrap();
        assert_eq!(p["request_id"], api_id.as_str(), "[{b}]");

        // /healthz answers without signing in.
        let r = app.client().get("/healthz").await;
        assert_eq!(r.status(), StatusCode::OK, "[{b}]");
        assert_eq!(r.text().await.unwrap(), "ok\n");

        let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        let line: serde_json::Value = text
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .find(|l| l["fields"]["request_id"] == id.as_str())
            .unwrap_or_else(|| panic!("[{b}] no line for {id}:\n{text}"));
        assert_eq!(line["target"], "safer::http");
        assert_eq!(line["fields"]["route"], "/actions/{id}/update");
        assert_eq!(line["fields"]["method"], "GET");
        assert_eq!(line["fields"]["status"], 200);
        assert!(line["fields"]["duration_ms"].as_f64().unwrap() >= 0.0);
        // No user, no address, no query, no record id.
        for secret in [
            "agency_lead",
            "127.0.0.1",
            "secret-query",
            &format!("/actions/{}/", app.ids.own_action),
        ] {
            assert!(!text.contains(secret), "[{b}] the log holds {secret:?}");
        }
        app.stop().await;
    }
}
