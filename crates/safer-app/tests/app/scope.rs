//! Roles and scopes: a task is refused without the role, and a record
//! outside the actor's scope is not found, whoever owns it.

use safer_app::{ActionEntry, Actor, AppError, FundEntry};
use safer_domain::{ActionStatus, Aim};

use crate::{COUNCIL, FIRE, PLAN, apps, cleanup, seed};

/// An action of the 2020–23 plan's first priority led by `lead`.
pub fn action_entry(lead: &str) -> ActionEntry {
    ActionEntry {
        plan_id: PLAN.into(),
        priority_id: "p1".into(),
        aim: Aim::Prevention,
        key_action: "Visits".into(),
        lead_agency: lead.into(),
        start: "2023-04-01".parse().unwrap(),
        due: "2023-12-31".parse().unwrap(),
        financial_implications: String::new(),
        resource_implications: String::new(),
        outcome_target: "Fifty visits".into(),
        measure_id: None,
    }
}

/// A 2022/23 project of the Locality Fund.
pub fn project_entry() -> FundEntry {
    FundEntry {
        partnership: "charnwood".into(),
        year: "2022/23".parse().unwrap(),
        name: "Project".into(),
        lead_agency: COUNCIL.into(),
        budget_pence: 100_000,
        plan_id: PLAN.into(),
        priority_id: "p2".into(),
        action_id: None,
    }
}

#[tokio::test]
async fn another_agencys_action_is_not_found_and_the_attempt_is_logged() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let s = seed(t).await;
        let police = t.web("police-lead").await;
        // Their own agency's action opens; the fire service's does not,
        // with a message that names no one.
        t.app
            .action_to_update(&police, s.police_action)
            .await
            .unwrap_or_else(|e| panic!("[{b}] {e}"));
        for e in [
            t.app
                .action_to_update(&police, s.fire_action)
                .await
                .unwrap_err(),
            t.app
                .update_action(&police, s.fire_action, ActionStatus::Complete, "Done", None)
                .await
                .unwrap_err(),
        ] {
            assert!(matches!(e, AppError::NotFound(_)), "[{b}] {e}");
            assert_eq!(
                e.to_string(),
                format!("There is no action {}.", s.fire_action)
            );
            assert!(!e.to_string().contains("Fire"), "[{b}] {e}");
        }
        // The same answer as for an action that does not exist …
        let missing = t
            .app
            .update_action(
                &police,
                "999999".parse().unwrap(),
                ActionStatus::Complete,
                "Done",
                None,
            )
            .await
            .unwrap_err();
        assert_eq!(missing.to_string(), "There is no action 999999.");
        // … but the administrator sees the attempt on a real one.
        let log = t.db().audit_log(100).await.unwrap();
        let denied: Vec<_> = log.iter().filter(|e| e.action == "access_denied").collect();
        assert_eq!(denied.len(), 2, "[{b}] {denied:#?}");
        assert!(
            denied.iter().all(
                |e| e.actor == "police-lead" && e.target == format!("action {}", s.fire_action)
            ),
            "[{b}]"
        );
        // Nothing was changed.
        let fire = t
            .db()
            .actions(PLAN)
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.id == s.fire_action)
            .unwrap();
        assert_eq!(
            (fire.status, fire.updates.len()),
            (ActionStatus::NotStarted, 0)
        );
        // The fire service's own lead may.
        t.app
            .update_action(
                &t.web("fire-lead").await,
                s.fire_action,
                ActionStatus::OnTrack,
                "Started",
                None,
            )
            .await
            .unwrap_or_else(|e| panic!("[{b}] {e}"));
    }
    cleanup(all).await;
}

#[tokio::test]
async fn a_task_needs_its_role() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let s = seed(t).await;
        let reader = t.web("reader").await;
        let analyst = t.cli("analyst").await;
        let refused = |r: Result<(), AppError>, what: &str| match r {
            Err(AppError::Refused(_)) => {}
            other => panic!("[{b}] {what}: {other:?}"),
        };
        refused(
            t.app
                .update_action(&reader, s.police_action, ActionStatus::Complete, "x", None)
                .await,
            "a reader updating an action",
        );
        refused(
            t.app
                .add_action(&analyst, &action_entry(FIRE))
                .await
                .map(drop),
            "an analyst adding an action",
        );
        refused(
            t.app
                .record_value(&reader, PLAN, "p5-m1", "2022-Q1".parse().unwrap(), 1.0, "")
                .await,
            "a reader recording a value",
        );
        refused(
            t.app.users(&reader).await.map(drop),
            "a reader listing users",
        );
        refused(
            t.app
                .add_project(&t.web("police-lead").await, &project_entry())
                .await
                .map(drop),
            "an agency lead adding a fund project",
        );
        // The operator administers but makes no other change unnamed.
        let op = Actor::operator("tester");
        refused(
            t.app
                .set_allocation(&op, "charnwood", "2022/23".parse().unwrap(), 1, "x")
                .await,
            "the operator setting an allocation",
        );
        // Nobody signed in reads nothing.
        refused(
            t.app.plans(&Actor::anonymous("192.0.2.9")).await.map(drop),
            "an anonymous reader",
        );
        // An action's lead must be an agency of the partnership.
        let e = t
            .app
            .add_action(&t.cli("jag").await, &action_entry("Nobody Ltd"))
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Invalid(_)), "[{b}] {e}");
    }
    cleanup(all).await;
}

/// An account's password is checked whichever way it is set, against the
/// user's own names too; nothing is stored when it is refused.
#[tokio::test]
async fn weak_passwords_are_refused_by_every_channel() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let _ = seed(t).await;
        let op = Actor::operator("tester");
        for weak in ["Password123!", "jsmith-jsmith-1", "short"] {
            let e = t
                .app
                .add_user(
                    &op,
                    "jsmith",
                    "J Smith",
                    COUNCIL,
                    &[safer_domain::Role::Analyst],
                    weak,
                )
                .await
                .unwrap_err();
            assert!(matches!(e, AppError::Invalid(_)), "[{b}] {weak}: {e}");
            let e = t.app.reset_password(&op, "cso", weak).await.unwrap_err();
            assert!(matches!(e, AppError::Invalid(_)), "[{b}] {weak}: {e}");
        }
        assert!(t.app.user_named("jsmith").await.is_err(), "[{b}]");
        // The old password still works.
        let r = t
            .app
            .sign_in("192.0.2.7", "cso", "a long test password", None, 600)
            .await
            .unwrap();
        assert!(r.is_ok(), "[{b}]");
    }
    cleanup(all).await;
}
