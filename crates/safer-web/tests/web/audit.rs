//! The audit log: sign-ins, failures, changes, exports and views of
//! personal data are recorded, and the chain verifies.

use reqwest::StatusCode;
use safer_domain::Role;

use crate::helpers::spawn_app;

#[tokio::test]
async fn sign_ins_changes_exports_and_personal_data_views_are_audited() {
    for app in spawn_app().await {
        let b = app.backend;
        let failed = app.client();
        let r = failed.sign_in("agency_lead", "definitely not it").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

        let lead = app.login_as(Role::AgencyLead).await;
        let path = format!("/actions/{}/update", app.ids.own_action);
        let r = lead
            .post_form(&path, &[("status", "on_track"), ("text", "Venue booked")])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");

        let cso = app.login_as(Role::CommunitySafetyOfficer).await;
        let csv_path = format!(
            "/fund/{}/{}/return.csv?quarter=2",
            app.ids.partnership, app.ids.year
        );
        let r = cso.get(&csv_path).await;
        assert_eq!(r.status(), StatusCode::OK, "[{b}]");
        assert!(
            r.headers()
                .get("content-disposition")
                .unwrap()
                .to_str()
                .unwrap()
                .contains("fund-return-charnwood-2022-23-q2.csv")
        );
        let csv = r.text().await.unwrap();
        assert!(csv.contains("Diversionary football"), "{csv}");

        let admin = app.login_as(Role::Administrator).await;
        assert_eq!(admin.get("/admin/users").await.status(), StatusCode::OK);
        let page = admin.get("/admin/audit").await.text().await.unwrap();
        assert!(page.contains("The chain is intact."), "[{b}]");
        let r = admin.get("/admin/audit.csv").await;
        assert_eq!(r.status(), StatusCode::OK);
        let csv = r.text().await.unwrap();
        assert!(csv.starts_with("id,at,actor,agency,action,target,detail,source,hash\n"));
        assert!(csv.contains(",sign_in_failed,"), "{csv}");

        let log = app.db.audit_log(1000).await.unwrap();
        let has = |action: &str, actor: &str, target: &str| {
            log.iter()
                .any(|e| e.action == action && e.actor == actor && e.target.starts_with(target))
        };
        // Targets name what was touched, the same from a page, the API or
        // the command line; the source says which.
        assert!(
            has("sign_in_failed", "agency_lead", "sign-in"),
            "[{b}] {log:#?}"
        );
        assert!(has("sign_in", "agency_lead", "sign-in"), "[{b}]");
        assert!(
            has(
                "update_action",
                "agency_lead",
                &format!("action {}", app.ids.own_action)
            ),
            "[{b}]"
        );
        assert!(
            has(
                "export",
                "community_safety_officer",
                "fund return charnwood 2022/23 Q2"
            ),
            "[{b}]"
        );
        assert!(has("view", "administrator", "users"), "[{b}]");
        assert!(has("view", "administrator", "audit log"), "[{b}]");
        assert!(has("export", "administrator", "audit log"), "[{b}]");
        let update = log.iter().find(|e| e.action == "update_action").unwrap();
        assert_eq!(update.agency, "Agency lead agency");
        assert_eq!(update.source, "web 127.0.0.1");
        assert!(update.detail.contains("on_track"), "{}", update.detail);
        let export = log
            .iter()
            .find(|e| e.action == "export" && e.target.starts_with("fund return"))
            .unwrap();
        assert!(export.detail.contains("quarter 2"), "{}", export.detail);
        // Reading published figures is not audited.
        let before = app.db.audit_log(10_000).await.unwrap().len();
        for page in ["/", "/assessment", &format!("/plans/{}", app.ids.plan)] {
            assert_eq!(cso.get(page).await.status(), StatusCode::OK, "[{b}] {page}");
        }
        assert_eq!(
            app.db.audit_log(10_000).await.unwrap().len(),
            before,
            "[{b}]"
        );
        let v = app.db.verify_audit().await.unwrap();
        assert_eq!(v.first_broken, None, "[{b}]");
        assert!(v.entries >= 8);
        app.stop().await;
    }
}
