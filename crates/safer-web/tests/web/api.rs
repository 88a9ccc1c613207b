//! The JSON API: bearer tokens and scopes, the agency rule, problem
//! details, and the OpenAPI description.

use reqwest::StatusCode;
use safer_domain::Role;
use safer_web::routes::{Kind, ROUTES};
use serde_json::Value;

use crate::helpers::{Options, problem, spawn_app, spawn_apps};

#[tokio::test]
async fn bearer_tokens_read_and_write_by_scope() {
    for app in spawn_app().await {
        let b = app.backend;
        let http = reqwest::Client::new();
        let (read, _) = app.token(Role::ReadOnlyPartner, &["read"]).await;
        let (lead_read, _) = app.token(Role::AgencyLead, &["read"]).await;
        let (lead_write, _) = app.token(Role::AgencyLead, &["read", "write"]).await;
        let (revoked, revoked_id) = app.token(Role::Analyst, &["read", "write"]).await;
        app.db
            .revoke_api_token(revoked_id, &crate::helpers::seeded())
            .await
            .unwrap();

        let get = |path: &str, token: &str| http.get(app.url(path)).bearer_auth(token).send();
        let r = get("/api/v1/plans", &read).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "[{b}]");
        let plans: serde_json::Value = r.json().await.unwrap();
        assert_eq!(plans[0]["id"], app.ids.plan.as_str(), "[{b}] {plans}");

        let r = get(&format!("/api/v1/plans/{}", app.ids.plan), &read)
            .await
            .unwrap();
        let plan: serde_json::Value = r.json().await.unwrap();
        assert_eq!(plan["partnership"], "charnwood");

        let r = get(
            &format!("/api/v1/plans/{}/review?quarter=2022-Q1", app.ids.plan),
            &read,
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "[{b}]");
        let review: serde_json::Value = r.json().await.unwrap();
        assert_eq!(review["quarter"], "2022/23-Q1");
        assert!(
            review["priorities"][0]["measures"]
                .as_array()
                .is_some_and(|m| !m.is_empty())
        );

        let r = get("/api/v1/assessment?year=2023/24&as_at=2023-06", &read)
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "[{b}]");
        let a: serde_json::Value = r.json().await.unwrap();
        assert_eq!(a["district"], "Charnwood");
        assert_eq!(a["year"], "2023/24");
        assert!(a["categories"][0]["current"].as_u64().unwrap() > 0);

        let r = get(&format!("/api/v1/actions?plan={}", app.ids.plan), &read)
            .await
            .unwrap();
        let actions: serde_json::Value = r.json().await.unwrap();
        assert_eq!(actions.as_array().unwrap().len(), 2);

        // Bad parameters and missing things are problems.
        let p = problem(
            get("/api/v1/assessment?year=2023", &read).await.unwrap(),
            400,
        )
        .await;
        assert!(p["detail"].as_str().unwrap().contains("financial year"));
        problem(get("/api/v1/plans/no-such-plan", &read).await.unwrap(), 404).await;
        problem(
            get("/api/v1/plans/x/review?quarter=2024-Q9", &read)
                .await
                .unwrap(),
            400,
        )
        .await;

        // No token, an unknown token, a revoked token: 401.
        let r = http.get(app.url("/api/v1/plans")).send().await.unwrap();
        assert_eq!(
            r.headers().get("www-authenticate").unwrap(),
            "Bearer realm=\"safer\""
        );
        problem(r, 401).await;
        problem(get("/api/v1/plans", "made-up").await.unwrap(), 401).await;
        problem(get("/api/v1/plans", &revoked).await.unwrap(), 401).await;

        // Writing needs the write scope, and the agency rule holds.
        let post = |id: i64, token: &str, body: &'static str| {
            http.post(app.url(&format!("/api/v1/actions/{id}/updates")))
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body)
                .send()
        };
        let good = r#"{"status": "on_track", "text": "Second event held", "date": "2022-08-01"}"#;
        let p = problem(
            post(app.ids.own_action.get(), &lead_read, good)
                .await
                .unwrap(),
            403,
        )
        .await;
        assert!(p["detail"].as_str().unwrap().contains("write"), "{p}");
        let p = problem(
            post(app.ids.own_action.get(), &read, good).await.unwrap(),
            403,
        )
        .await;
        assert_eq!(p["title"], "Forbidden");
        // Another agency's action is not there for this lead.
        problem(
            post(app.ids.other_action.get(), &lead_write, good)
                .await
                .unwrap(),
            404,
        )
        .await;
        let r = post(app.ids.own_action.get(), &lead_write, good)
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "[{b}]");
        let created: serde_json::Value = r.json().await.unwrap();
        assert_eq!(created["status"], "on_track");
        assert_eq!(created["author"], "Agency lead user");
        let actions = app.db.actions(&app.ids.plan).await.unwrap();
        let own = actions.iter().find(|a| a.id == app.ids.own_action).unwrap();
        assert_eq!(own.updates.len(), 1);
        assert_eq!(own.updates[0].date.to_string(), "2022-08-01");

        // Bad bodies.
        problem(
            post(app.ids.own_action.get(), &lead_write, "{not json")
                .await
                .unwrap(),
            400,
        )
        .await;
        let p = problem(
            post(
                app.ids.own_action.get(),
                &lead_write,
                r#"{"status": "done", "text": "x"}"#,
            )
            .await
            .unwrap(),
            422,
        )
        .await;
        assert!(p["detail"].as_str().unwrap().contains("status"), "{p}");
        problem(
            post(app.ids.own_action.get(), &lead_write, r#"{"text": "x"}"#)
                .await
                .unwrap(),
            422,
        )
        .await;
        problem(post(999_999, &lead_write, good).await.unwrap(), 404).await;

        // Internal details never leak: a 404 says nothing of SQL.
        let log = app.db.audit_log(100).await.unwrap();
        assert!(
            log.iter()
                .any(|e| e.action == "update_action" && e.source.starts_with("api token "))
        );
        app.stop().await;
    }
}

/// Checks `value` against a schema of the OpenAPI document (the subset of
/// JSON Schema it uses); returns the first mismatch.
fn conforms(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    if let Some(r) = schema["$ref"].as_str() {
        let mut s = doc;
        for seg in r.trim_start_matches("#/").split('/') {
            s = &s[seg];
        }
        return conforms(doc, s, value, at);
    }
    if let Some(options) = schema["oneOf"].as_array() {
        return if options.iter().any(|o| conforms(doc, o, value, at).is_ok()) {
            Ok(())
        } else {
            Err(format!("{at}: matches no oneOf: {value}"))
        };
    }
    if let Some(e) = schema["enum"].as_array()
        && !e.contains(value)
    {
        return Err(format!("{at}: {value} is not one of {e:?}"));
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let type_ok = |t: &str| match t {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        _ => false,
    };
    if !types.is_empty() && !types.iter().any(|t| type_ok(t)) {
        return Err(format!("{at}: {value} is not {types:?}"));
    }
    if let Some(obj) = value.as_object() {
        for r in schema["required"].as_array().into_iter().flatten() {
            let k = r.as_str().unwrap_or("");
            if !obj.contains_key(k) {
                return Err(format!("{at}: missing {k}"));
            }
        }
        if let Some(props) = schema["properties"].as_object() {
            for (k, v) in obj {
                if let Some(ps) = props.get(k) {
                    conforms(doc, ps, v, &format!("{at}.{k}"))?;
                }
            }
        }
    }
    if let Some(items) = value.as_array() {
        if let Some(prefix) = schema["prefixItems"].as_array() {
            for (i, (p, v)) in prefix.iter().zip(items).enumerate() {
                conforms(doc, p, v, &format!("{at}[{i}]"))?;
            }
        } else if schema["items"].is_object() {
            for (i, v) in items.iter().enumerate() {
                conforms(doc, &schema["items"], v, &format!("{at}[{i}]"))?;
            }
        }
        if let Some(n) = schema["minItems"].as_u64()
            && (items.len() as u64) < n
        {
            return Err(format!("{at}: fewer than {n} items"));
        }
    }
    Ok(())
}

#[tokio::test]
async fn api_responses_match_the_openapi_document() {
    for app in spawn_app().await {
        let b = app.backend;
        let http = reqwest::Client::new();
        let (token, _) = app
            .token(Role::CommunitySafetyOfficer, &["read", "write"])
            .await;
        let doc: Value = http
            .get(app.url("/api/v1/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        // The checker itself catches a mismatch.
        let bad = serde_json::json!({ "id": 1, "title": "t", "first_year": "2020/21" });
        assert!(
            conforms(
                &doc,
                &serde_json::json!({ "$ref": "#/components/schemas/PlanSummary" }),
                &bad,
                "$"
            )
            .is_err()
        );
        let plan = &app.ids.plan;
        let action = app.ids.own_action;
        let values = "/api/v1/plans/{id}/measures/{measure}/values";
        let values_of = format!("/api/v1/plans/{plan}/measures/p5-m1/values");
        let lead = crate::helpers::agency_of(Role::AgencyLead);
        // Kept for the whole test, as the other bodies are.
        let new_action: &'static str = String::leak(format!(
            r#"{{"priority":"p1","aim":"enforcement","key_action":"Licensing visits","lead_agency":"{lead}","start":"2022-04-01","due":"2022-12-31","outcome_target":"Twenty visits","resource_implications":"Two officers"}}"#
        ));
        let calls: Vec<(&str, &str, String, Option<&str>, u16)> = vec![
            ("get", "/api/v1/plans", "/api/v1/plans".into(), None, 200),
            (
                "post",
                "/api/v1/plans/{id}/actions",
                format!("/api/v1/plans/{plan}/actions"),
                Some(new_action),
                201,
            ),
            (
                "post",
                "/api/v1/plans/{id}/actions",
                format!("/api/v1/plans/{plan}/actions"),
                Some(r#"{"priority":"p1"}"#),
                422,
            ),
            (
                "post",
                values,
                values_of.clone(),
                Some(r#"{"quarter":"2022-Q1","value":88.5,"note":"Residents survey"}"#),
                201,
            ),
            ("get", values, values_of.clone(), None, 200),
            (
                "post",
                values,
                values_of.clone(),
                Some(r#"{"quarter":"2022-Q9","value":1}"#),
                422,
            ),
            (
                "post",
                values,
                values_of.clone(),
                Some(r#"{"quarter":"2022-Q1"}"#),
                422,
            ),
            (
                "get",
                values,
                format!("/api/v1/plans/{plan}/measures/nope/values"),
                None,
                404,
            ),
            (
                "get",
                "/api/v1/plans/{id}",
                format!("/api/v1/plans/{plan}"),
                None,
                200,
            ),
            (
                "get",
                "/api/v1/plans/{id}/review",
                format!("/api/v1/plans/{plan}/review"),
                None,
                200,
            ),
            (
                "get",
                "/api/v1/plans/{id}/review",
                format!("/api/v1/plans/{plan}/review?quarter=2023-Q1"),
                None,
                200,
            ),
            (
                "get",
                "/api/v1/assessment",
                "/api/v1/assessment".into(),
                None,
                200,
            ),
            (
                "get",
                "/api/v1/assessment",
                "/api/v1/assessment?year=2023/24&as_at=2023-05".into(),
                None,
                200,
            ),
            (
                "get",
                "/api/v1/actions",
                "/api/v1/actions".into(),
                None,
                200,
            ),
            (
                "get",
                "/api/v1/plans/{id}",
                "/api/v1/plans/nope".into(),
                None,
                404,
            ),
            (
                "get",
                "/api/v1/assessment",
                "/api/v1/assessment?as_at=1999-01".into(),
                None,
                400,
            ),
            (
                "post",
                "/api/v1/actions/{id}/updates",
                format!("/api/v1/actions/{action}/updates"),
                Some(r#"{"status":"complete","text":"Done"}"#),
                201,
            ),
            (
                "post",
                "/api/v1/actions/{id}",
                format!("/api/v1/actions/{action}"),
                Some(new_action),
                200,
            ),
            (
                "post",
                "/api/v1/actions/{id}",
                format!("/api/v1/actions/{action}"),
                Some(r#"{"priority":"p1"}"#),
                422,
            ),
            (
                "post",
                "/api/v1/actions/{id}",
                "/api/v1/actions/999999".into(),
                Some(new_action),
                404,
            ),
            (
                "get",
                "/api/v1/assessment/narrative",
                "/api/v1/assessment/narrative?year=2023/24".into(),
                None,
                200,
            ),
            (
                "post",
                "/api/v1/assessment/narrative",
                "/api/v1/assessment/narrative?year=2023/24".into(),
                Some(r#"{"key_findings":"Not an analyst."}"#),
                403,
            ),
            (
                "post",
                "/api/v1/plans/{id}/measures/{measure}/commentary",
                format!("/api/v1/plans/{plan}/measures/p1-m1/commentary"),
                Some(r#"{"quarter":"2022-Q1","text":"Two series caught."}"#),
                200,
            ),
            (
                "get",
                "/api/v1/plans/{id}/measures/{measure}/commentary",
                format!("/api/v1/plans/{plan}/measures/p1-m1/commentary"),
                None,
                200,
            ),
            (
                "post",
                "/api/v1/plans/{id}/measures/{measure}/commentary",
                format!("/api/v1/plans/{plan}/measures/p1-m1/commentary"),
                Some(r#"{"quarter":"2022-Q1"}"#),
                422,
            ),
            (
                "post",
                "/api/v1/actions/{id}/updates",
                format!("/api/v1/actions/{action}/updates"),
                Some(r#"{"status":"complete","text":""}"#),
                422,
            ),
        ];
        for (method, route, url, body, status) in calls {
            let req = match body {
                Some(b) => http
                    .post(app.url(&url))
                    .header("content-type", "application/json")
                    .body(b),
                None => http.get(app.url(&url)),
            };
            let r = req.bearer_auth(&token).send().await.unwrap();
            assert_eq!(r.status().as_u16(), status, "[{b}] {url}");
            let ct = r
                .headers()
                .get("content-type")
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned();
            let value: Value = r.json().await.unwrap();
            let response = &doc["paths"][route][method]["responses"][status.to_string()];
            assert!(
                !response.is_null(),
                "[{b}] {method} {route} does not document {status}"
            );
            let mut response = response.clone();
            if let Some(r) = response["$ref"].as_str() {
                response = doc["components"]["responses"][r.rsplit('/').next().unwrap()].clone();
            }
            let content = response["content"].as_object().unwrap();
            let (media, schema) = content.iter().next().unwrap();
            assert!(
                ct.starts_with(media.as_str()),
                "[{b}] {url}: {ct} is not {media}"
            );
            if let Err(e) = conforms(&doc, &schema["schema"], &value, "$") {
                panic!("[{b}] {method} {url}: {e}");
            }
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    let opts = Options {
        data: false,
        ..Options::default()
    };
    for app in spawn_apps(opts).await {
        let r = app.client().get("/api/v1/openapi.json").await;
        assert_eq!(r.status(), StatusCode::OK);
        let doc: serde_json::Value = r.json().await.expect("the document is JSON");
        assert_eq!(doc["openapi"], "3.1.0");
        assert!(doc["components"]["securitySchemes"]["bearerAuth"].is_object());
        assert!(doc["components"]["schemas"]["Problem"].is_object());
        for route in ROUTES.iter().filter(|r| r.kind == Kind::Api) {
            assert!(route.path.starts_with("/api/v1/"));
            let op = &doc["paths"][route.path][route.method.as_str().to_ascii_lowercase()];
            assert!(
                op.is_object(),
                "{} {} is missing from openapi.json",
                route.method.as_str(),
                route.path
            );
            assert!(op["responses"].is_object());
        }
        app.stop().await;
    }
}
