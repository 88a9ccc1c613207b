//! People's rights over HTTP: the retention review, deletion that leaves
//! nothing of a person but the audit log's fact of it, and the subject
//! access export.

use reqwest::StatusCode;
use safer_domain::Role;

use crate::helpers::{Cases, location, spawn_app};

#[tokio::test]
async fn after_retention_a_deleted_case_leaves_nothing_but_the_audit_entry() {
    for app in spawn_app().await {
        let b = app.backend;
        let (case, person) = app.ids.cases.involved;
        let (name, title) = Cases::NAMES[0];
        let jag = app.login_as(Role::JagCoordinator).await;
        // The involved case is open: it is closed, and six years pass.
        let r = jag
            .post_form(
                &format!("/cases/{case}/decision"),
                &[("decision", "accept")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        let r = jag
            .post_form(&format!("/cases/{case}/close"), &[("outcome", "Resolved")])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        let review = jag.get("/retention").await.text().await.unwrap();
        assert!(!review.contains(title), "[{b}] not due yet");
        app.clock.advance((6 * 365 + 2) * 86_400);
        // Sessions do not last six years: sign in again.
        let jag = app.login_as(Role::JagCoordinator).await;
        let worker = app.login_as(Role::Caseworker).await;
        let review = jag.get("/retention").await.text().await.unwrap();
        assert!(review.contains(title), "[{b}] due now");
        // A reason is needed.
        let r = jag.post_form(&format!("/cases/{case}/delete"), &[]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        let r = jag
            .post_form(
                &format!("/cases/{case}/delete"),
                &[("delete-reason", "Retention period ended")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        assert_eq!(location(&r), "/retention?done=deleted");
        for c in [&jag, &worker] {
            assert_eq!(
                c.get(&format!("/cases/{case}")).await.status(),
                404,
                "[{b}]"
            );
            assert_eq!(
                c.get(&format!("/people/{person}")).await.status(),
                404,
                "[{b}]"
            );
            assert_eq!(
                c.get(&format!("/api/v1/cases/{case}")).await.status(),
                404,
                "[{b}]"
            );
            for page in [
                "/cases".to_owned(),
                format!("/search?q={}", name.replace(' ', "+")),
                format!("/meetings/{}/minutes", app.ids.cases.meeting),
                "/case-actions".to_owned(),
            ] {
                let body = c.get(&page).await.text().await.unwrap();
                assert!(!body.contains(title), "[{b}] {page} still shows the case");
                assert!(
                    !body.contains(&format!("href=\"/people/{person}\"")),
                    "[{b}] {page} still links the person"
                );
            }
        }
        let log = app.db.audit_log(10_000).await.unwrap();
        assert!(
            log.iter().any(|e| e.action == "delete_case"
                && e.target == format!("case {case}")
                && e.detail == "Retention period ended"),
            "[{b}] the audit log keeps the fact"
        );
        // ... and not the person: only a search names them, in what the
        // searcher typed, which is kept as the record of who looked for
        // whom.
        assert!(
            !log.iter()
                .any(|e| e.action != "search"
                    && (e.detail.contains(name) || e.target.contains(name))),
            "[{b}] and not the person"
        );
        assert_eq!(app.db.verify_audit().await.unwrap().first_broken, None);
        app.stop().await;
    }
}

#[tokio::test]
async fn a_subject_access_export_holds_everything_about_the_person() {
    for app in spawn_app().await {
        let b = app.backend;
        let (case, person) = app.ids.cases.shared;
        let (name, title) = Cases::NAMES[2];
        let jag = app.login_as(Role::JagCoordinator).await;
        let r = jag
            .get(&format!("/people/{person}/subject-access.json"))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "[{b}]");
        assert!(
            r.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains("subject-access-person-"),
            "[{b}]"
        );
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["person"]["name"], name, "[{b}]");
        assert_eq!(v["cases"][0]["id"], case.get(), "[{b}]");
        assert_eq!(v["cases"][0]["title"], title);
        assert_eq!(v["cases"][0]["role"], "victim");
        assert!(v["cases"][0]["chronology"].as_array().unwrap().len() >= 2);
        let page = jag
            .get(&format!("/people/{person}/subject-access"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains(name) && page.contains(title), "[{b}]");
        // Only the coordinator answers subject access requests.
        let worker = app.login_as(Role::Caseworker).await;
        let r = worker
            .get(&format!("/people/{person}/subject-access.json"))
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "[{b}]");
        let log = app.db.audit_log(50).await.unwrap();
        assert!(
            log.iter()
                .filter(|e| e.action == "export_subject_access"
                    && e.target == format!("person {person}"))
                .count()
                >= 2,
            "[{b}] every export is audited"
        );
        app.stop().await;
    }
}
