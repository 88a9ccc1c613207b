//! Every page and report escapes what people typed: text holding markup
//! is shown as text, on every page that shows it.

use reqwest::StatusCode;
use safer_domain::Role;

use crate::helpers::{password_of, seeded, spawn_app};

const SCRIPT: &str = "<script>alert(1)</script>";
const ATTRIBUTE: &str = "\"'><img src=x onerror=1>";

/// `s` with both payloads, so each field carries both.
fn hostile(s: &str) -> String {
    format!("{s} {SCRIPT} {ATTRIBUTE}")
}

fn assert_escaped(page: &str, what: &str) {
    for raw in ["<script>alert", "<img src=x", "onerror=1>"] {
        assert!(!page.contains(raw), "{what} holds {raw:?} unescaped");
    }
    assert!(
        page.contains("alert(1)"),
        "{what} does not show the text at all"
    );
}

#[tokio::test]
async fn text_holding_markup_is_shown_as_text_everywhere() {
    for app in spawn_app().await {
        let b = app.backend;
        let db = &app.db;
        // An agency and a lead whose names hold markup.
        let agency = db
            .add_agency(&hostile("Trust"), false, &seeded())
            .await
            .unwrap();
        let hash = safer_app::hash_password(
            &password_of(Role::AgencyLead),
            safer_app::PasswordCost::FastForTests,
        )
        .unwrap();
        db.add_user(
            "hostile",
            &hostile("Lead"),
            agency,
            &[Role::AgencyLead],
            &hash,
            &seeded(),
        )
        .await
        .unwrap();
        // The plan's every text.
        let mut plan = db.plan(&app.ids.plan).await.unwrap();
        plan.title = hostile(&plan.title);
        plan.vision = Some(hostile("Vision"));
        plan.source = hostile("Source");
        for p in &mut plan.priorities {
            p.title = hostile(&p.title);
            p.why = vec![hostile("Why")];
            for s in p.objectives.iter_mut().chain(p.responses.iter_mut()) {
                s.text = hostile(&s.text);
            }
            for m in &mut p.measures {
                m.text = hostile(&m.text);
            }
        }
        db.save_plan(&plan, "test", &seeded()).await.unwrap();
        // An action led by that agency, every field hostile.
        let action = db
            .add_action(
                &safer_store::db::NewAction {
                    plan_id: plan.id.clone(),
                    priority_id: plan.priorities[0].id.clone(),
                    aim: safer_domain::Aim::Prevention,
                    key_action: hostile("Key action"),
                    lead_agency_id: agency,
                    start: "2022-04-01".parse().unwrap(),
                    due: "2022-09-30".parse().unwrap(),
                    financial_implications: hostile("Money"),
                    resource_implications: hostile("People"),
                    outcome_target: hostile("Outcome"),
                    measure_id: None,
                },
                "test",
                &seeded(),
            )
            .await
            .unwrap();
        // A fund project and its source.
        let year = "2022/23".parse().unwrap();
        db.set_allocation("charnwood", year, 5_000_000, &hostile("Grant"), &seeded())
            .await
            .unwrap();
        db.add_project(
            &safer_store::db::NewProject {
                partnership: "charnwood".into(),
                year,
                name: hostile("Project"),
                lead_agency_id: agency,
                budget_pence: 100,
                plan_id: plan.id.clone(),
                priority_id: plan.priorities[1].id.clone(),
                action_id: None,
            },
            &seeded(),
        )
        .await
        .unwrap();

        // The lead updates the action from the page, with a hostile text.
        let lead = app.client();
        let r = lead
            .sign_in("hostile", &password_of(Role::AgencyLead))
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        let update = format!("/actions/{action}/update");
        assert_escaped(
            &lead.get(&update).await.text().await.unwrap(),
            "the update form",
        );
        let r = lead
            .post_form(
                &update,
                &[
                    ("status", "on_track"),
                    ("text", &hostile("Progress")),
                    ("date", "2022-07-01"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        // A form sent back with its errors shows what was typed, escaped.
        let r = lead
            .post_form(
                &update,
                &[("status", "nonsense"), ("text", &hostile("Again"))],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        assert_escaped(&r.text().await.unwrap(), "the update form with errors");
        // A sign-in with a hostile username: on the form, then in the log.
        let r = app
            .client()
            .sign_in(&hostile("user"), "wrong password")
            .await;
        assert_escaped(&r.text().await.unwrap(), "the sign-in form");

        // The analyst's narrative, every part hostile.
        db.write_narrative(
            "Charnwood",
            "2023/24".parse().unwrap(),
            None,
            &safer_domain::Narrative {
                key_findings: hostile("Findings"),
                emerging_threats: hostile("Threats"),
                community_tensions: hostile("Tensions"),
                recommended_priorities: hostile("Priorities"),
            },
            "test",
            &seeded(),
        )
        .await
        .unwrap();

        // A measure's commentary for the report's quarter.
        db.write_commentary(
            &plan.id,
            &plan.priorities[0].measures[0].id,
            "2022-Q2".parse().unwrap(),
            &hostile("Commentary"),
            "test",
            &seeded(),
        )
        .await
        .unwrap();

        let cso = app.login_as(Role::CommunitySafetyOfficer).await;
        let admin = app.login_as(Role::Administrator).await;
        let analyst = app.login_as(Role::Analyst).await;
        for (who, path) in [
            (
                &cso,
                "/assessment?district=Charnwood&year=2023/24".to_owned(),
            ),
            (
                &cso,
                "/assessment/report?district=Charnwood&year=2023/24".to_owned(),
            ),
            (
                &analyst,
                "/assessment/narrative?district=Charnwood&year=2023/24".to_owned(),
            ),
            (&cso, "/".to_owned()),
            (&cso, format!("/plans/{}", plan.id)),
            (&cso, format!("/plans/{}/report?quarter=2022-Q2", plan.id)),
            (
                &cso,
                format!(
                    "/plans/{}/measures/{}",
                    plan.id, plan.priorities[0].measures[0].id
                ),
            ),
            (&cso, "/fund/charnwood/2022-23?quarter=2".to_owned()),
            (&admin, "/admin/audit".to_owned()),
            (&admin, "/admin/users".to_owned()),
            (&cso, format!("/plans/{}", crate::helpers::encode(SCRIPT))),
        ] {
            let page = who.get(&path).await.text().await.unwrap();
            assert_escaped(&page, &format!("[{b}] {path}"));
        }
        // The CSV downloads write text as text too (never a formula).
        let csv = cso
            .get("/fund/charnwood/2022-23/return.csv?quarter=2")
            .await
            .text()
            .await
            .unwrap();
        assert!(csv.contains("Project <script>alert(1)</script>"), "[{b}]");
        app.stop().await;
    }
}

/// Case work: every text a caseworker or coordinator types (a case's
/// title and reason, a person's name, alias and address, a note, an
/// action, a meeting's chair, a decision) is shown as text on every case
/// page, the minutes included.
#[tokio::test]
async fn case_work_shows_what_was_typed_as_text() {
    for app in spawn_app().await {
        let b = app.backend;
        let worker = app.login_as(Role::Caseworker).await;
        let own = crate::helpers::agency_of(Role::Caseworker);
        let agencies = app.db.agencies().await.unwrap();
        let own_id = agencies
            .iter()
            .find(|a| a.name == own)
            .unwrap()
            .id
            .to_string();
        let r = worker
            .post_form(
                "/cases/new",
                &[
                    ("forum", "jag"),
                    ("case_type", "asb"),
                    ("title", &hostile("Title")),
                    ("risk", "high"),
                    ("reason", &hostile("Reason")),
                    ("lead_officer", &hostile("Officer")),
                    ("p1_name", &hostile("Name")),
                    ("p1_aliases", &hostile("Alias")),
                    ("p1_address", &hostile("Address")),
                    ("p1_role", "victim"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        let case = crate::helpers::location(&r);
        let case = case.split('?').next().unwrap().to_owned();
        let id = case.rsplit('/').next().unwrap().to_owned();
        let r = worker
            .post_form(
                &format!("{case}/entries"),
                &[("kind", "note"), ("entry-text", &hostile("Note"))],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        let r = worker
            .post_form(
                &format!("{case}/actions"),
                &[
                    ("agency", &own_id),
                    ("owner", &hostile("Owner")),
                    ("text", &hostile("Action")),
                    ("due", "2020-01-01"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        // A form sent back with its error shows the case, escaped.
        let r = worker
            .post_form(
                &format!("{case}/entries"),
                &[("kind", "note"), ("on", "not a date"), ("entry-text", "x")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        assert_escaped(&r.text().await.unwrap(), "the case page with an error");
        let jag = app.login_as(Role::JagCoordinator).await;
        let r = jag
            .post_form(
                "/meetings",
                &[
                    ("forum", "jag"),
                    ("held_on", "2020-01-08"),
                    ("chair", &hostile("Chair")),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        let meeting = crate::helpers::location(&r);
        let r = jag
            .post_form(
                &format!("{meeting}/decisions"),
                &[("case", &id), ("decision", &hostile("Decision"))],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        let everything = safer_domain::casework::access::CaseScope {
            agency: None,
            denied_types: Default::default(),
        };
        let person = app
            .db
            .people_in_scope(&everything, None)
            .await
            .unwrap()
            .into_iter()
            .find(|(_, p)| p.name.contains("alert"))
            .unwrap()
            .0;
        for (who, path) in [
            (&worker, "/cases".to_owned()),
            (&worker, case.clone()),
            (&worker, format!("/people/{person}")),
            (&worker, "/search?q=Name".to_owned()),
            (&worker, "/case-actions".to_owned()),
            (&jag, "/meetings".to_owned()),
            (&jag, meeting.clone()),
            (&jag, format!("{meeting}/minutes")),
            (&worker, format!("/api/v1/cases/{id}")),
        ] {
            let r = who.get(&path).await;
            assert_eq!(r.status(), StatusCode::OK, "[{b}] {path}");
            let body = r.text().await.unwrap();
            if path.starts_with("/api/") {
                // JSON carries the text as it was typed, in a JSON string.
                let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                assert!(v["title"].as_str().unwrap().contains(SCRIPT), "[{b}]");
            } else {
                assert_escaped(&body, &format!("[{b}] {path}"));
            }
        }
        app.stop().await;
    }
}
