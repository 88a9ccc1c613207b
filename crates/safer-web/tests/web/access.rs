//! The access matrix, route by route from the table: every role and
//! someone not signed in get exactly what `ROUTES` says.

use reqwest::StatusCode;
use safer_domain::Role;
use safer_web::routes::{Kind, Method, ROUTES, RouteSpec};

use crate::helpers::{App, Client, Ids, spawn_app, to_sign_in};

/// The route's path with real ids in place of its parameters.
fn concrete(path: &str, ids: &Ids) -> String {
    let action = ids.own_action.to_string();
    let filled = path
        .replace("{partnership}", &ids.partnership)
        .replace("{year}", &ids.year)
        .replace("{file}", "categories.csv")
        .replace("{measure}", "p5-m1")
        // A user no test signs in as: unlocking them changes nothing else.
        .replace("{username}", "spare")
        .replace("{change}", "unlock")
        .replace("{*path}", "govuk-frontend.min.css")
        .replace("{step}", "1")
        .replace("{record}", "1")
        .replace("{rec}", "1");
    let c = &ids.cases;
    let by_prefix = [
        ("/actions/", action.clone()),
        ("/api/v1/actions/", action),
        ("/cases/", c.involved.0.to_string()),
        ("/api/v1/cases/", c.involved.0.to_string()),
        ("/people/", c.involved.1.to_string()),
        ("/api/v1/people/", c.involved.1.to_string()),
        ("/case-actions/", c.action.to_string()),
        ("/api/v1/case-actions/", c.action.to_string()),
        ("/meetings/", c.meeting.to_string()),
        ("/locations/", c.locations[0].to_string()),
        ("/groups/", c.groups[0].to_string()),
        ("/api/v1/locations/", c.locations[0].to_string()),
        ("/api/v1/meetings/", c.meeting.to_string()),
        ("/triggers/", ids.trigger.to_string()),
        ("/dhrs/", ids.dhr.to_string()),
    ];
    if let Some((_, id)) = by_prefix.iter().find(|(p, _)| filled.starts_with(p)) {
        filled.replace("{id}", id)
    } else {
        filled.replace("{id}", &ids.plan)
    }
}

async fn call(app: &App, c: &Client, r: &RouteSpec, signed_in: bool) -> reqwest::Response {
    let path = concrete(r.path, &app.ids);
    assert!(!path.contains('{'), "unfilled parameter in {path}");
    match (r.method, r.kind) {
        (Method::Get, _) => c.get(&path).await,
        (Method::Post, Kind::Api) => {
            let mut req = c
                .http
                .post(c.url(&path))
                .header("content-type", "application/json")
                .body("{}");
            if signed_in {
                req = req.header("x-csrf-token", c.csrf().await);
            }
            req.send().await.expect("POST")
        }
        (Method::Post, _) => c.post_form(&path, &[]).await,
    }
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_table_says() {
    // Sign-out last: it ends the session.
    let mut routes: Vec<&RouteSpec> = ROUTES.iter().collect();
    routes.sort_by_key(|r| r.path == "/sign-out");
    for app in spawn_app().await {
        let b = app.backend;
        let mut principals: Vec<Option<Role>> = vec![None];
        principals.extend(Role::ALL.into_iter().map(Some));
        for who in principals {
            let c = match who {
                Some(role) => app.login_as(role).await,
                None => app.client(),
            };
            for r in &routes {
                let allowed = match who {
                    Some(role) => r.allows_role(role),
                    None => r.allows(None),
                };
                let resp = call(&app, &c, r, who.is_some()).await;
                let status = resp.status();
                let what = format!(
                    "[{b}] {} {} as {}: {status} {:?}",
                    r.method.as_str(),
                    r.path,
                    who.map_or("anonymous", Role::as_str),
                    resp.headers().get("location")
                );
                assert!(!status.is_server_error(), "{what}");
                if allowed {
                    assert!(
                        status != StatusCode::UNAUTHORIZED
                            && status != StatusCode::FORBIDDEN
                            && !to_sign_in(&resp),
                        "allowed, but refused: {what}"
                    );
                } else {
                    match (who, r.kind) {
                        (None, Kind::Api) => {
                            assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}");
                            crate::helpers::problem(resp, 401).await;
                        }
                        (None, _) => assert!(to_sign_in(&resp), "should sign in: {what}"),
                        (Some(_), Kind::Api) => {
                            crate::helpers::problem(resp, 403).await;
                        }
                        (Some(_), _) => {
                            assert_eq!(status, StatusCode::FORBIDDEN, "{what}");
                            let body = resp.text().await.unwrap();
                            assert!(
                                body.contains("You do not have access to this page"),
                                "{what}"
                            );
                        }
                    }
                }
            }
        }
        // Every refusal of a signed-in user was audited, and the chain holds.
        let log = app.db.audit_log(10_000).await.unwrap();
        assert!(log.iter().any(|e| e.action == "access_denied"));
        let v = app.db.verify_audit().await.unwrap();
        assert_eq!(v.first_broken, None, "[{b}]");
        app.stop().await;
    }
}

#[tokio::test]
async fn agency_leads_update_only_their_own_agencys_actions() {
    for app in spawn_app().await {
        let b = app.backend;
        let lead = app.login_as(Role::AgencyLead).await;
        let own = format!("/actions/{}/update", app.ids.own_action);
        let other = format!("/actions/{}/update", app.ids.other_action);
        // The form and the plan page offer only the agency's own action;
        // another agency's action is, to the update form, not there.
        assert_eq!(lead.get(&own).await.status(), StatusCode::OK, "[{b}]");
        assert_eq!(
            lead.get(&other).await.status(),
            StatusCode::NOT_FOUND,
            "[{b}]"
        );
        let plan = lead
            .get(&format!("/plans/{}", app.ids.plan))
            .await
            .text()
            .await
            .unwrap();
        assert!(plan.contains(&format!("href=\"{own}\"")), "[{b}]");
        assert!(!plan.contains(&format!("href=\"{other}\"")), "[{b}]");

        let update = [
            ("status", "at_risk"),
            (
                "text",
                "Two events held; the venue for the third fell through.",
            ),
            ("date", "2022-07-15"),
        ];
        let r = lead.post_form(&own, &update).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        assert_eq!(
            crate::helpers::location(&r),
            format!(
                "/plans/{}?updated={}#action-{}",
                app.ids.plan, app.ids.own_action, app.ids.own_action
            )
        );
        // Back on the plan, a banner says the update is saved.
        let page = lead
            .get(&crate::helpers::location(&r))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains(&format!(
                "The update to action {} is saved.",
                app.ids.own_action
            )),
            "[{b}]"
        );
        let r = lead.post_form(&other, &update).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "[{b}]");
        let log = app.db.audit_log(20).await.unwrap();
        assert!(
            log.iter().any(|e| e.action == "access_denied"
                && e.actor == "agency_lead"
                && e.target == format!("action {}", app.ids.other_action)
                && e.detail.contains("Agency leads can update only")),
            "[{b}] the refusal is audited"
        );
        let actions = app.db.actions(&app.ids.plan).await.unwrap();
        let own_a = actions.iter().find(|a| a.id == app.ids.own_action).unwrap();
        let other_a = actions
            .iter()
            .find(|a| a.id == app.ids.other_action)
            .unwrap();
        assert_eq!(own_a.status, safer_domain::ActionStatus::AtRisk);
        assert_eq!(own_a.updates.len(), 1);
        assert_eq!(own_a.updates[0].author, "Agency lead user");
        assert!(other_a.updates.is_empty(), "[{b}]");

        // Validation: errors are named and nothing is saved.
        let r = lead
            .post_form(
                &own,
                &[
                    ("status", "nonsense"),
                    ("text", " "),
                    ("date", "2022-13-01"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        let body = r.text().await.unwrap();
        for m in [
            "Select the action",
            "Enter what has happened",
            "Enter the date as YYYY-MM-DD",
        ] {
            assert!(body.contains(m), "[{b}] {m}");
        }
        assert!(body.contains("govuk-error-summary"));

        // A JAG coordinator may update any action.
        let jag = app.login_as(Role::JagCoordinator).await;
        let r = jag
            .post_form(
                &other,
                &[("status", "on_track"), ("text", "Patrols started.")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        app.stop().await;
    }
}
