//! The database layer against every backend: SQLite always, and PostgreSQL
//! when `SAFER_TEST_POSTGRES` names a server (a URL to its `postgres`
//! database). Each PostgreSQL test gets a fresh database, dropped after.

use std::path::Path;

use safer_domain::{ActionStatus, ActionUpdate, Aim, Plan, Role};
use safer_store::db::{AuditEntry, DbError, NewAction, NewProject, Verification, unix_now};
use safer_store::{Backend, Database};

/// A fresh database on each configured backend.
struct TestDb {
    db: Database,
    _dir: Option<tempfile::TempDir>,
    drop_pg: Option<(String, String)>,
}

async fn backends() -> Vec<TestDb> {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = Database::sqlite_url(dir.path());
    let mut out = vec![TestDb {
        db: Database::connect(&url).await.expect("sqlite"),
        _dir: Some(dir),
        drop_pg: None,
    }];
    if let Ok(admin) = std::env::var("SAFER_TEST_POSTGRES") {
        let (url, name) = Database::scratch_postgres(&admin, "safer_test")
            .await
            .expect("a scratch PostgreSQL database");
        out.push(TestDb {
            db: Database::connect(&url).await.expect("postgres"),
            _dir: None,
            drop_pg: Some((admin, name)),
        });
    }
    out
}

async fn cleanup(dbs: Vec<TestDb>) {
    for t in dbs {
        t.db.close().await;
        if let Some((admin, name)) = t.drop_pg {
            Database::drop_postgres(&admin, &name)
                .await
                .expect("drop test database");
        }
    }
}

fn charnwood_plan() -> Plan {
    let p =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/charnwood/plan-2023-26.toml");
    safer_ingest::plan::load(&p, &[]).expect("the example plan loads")
}

fn action(plan: &Plan, priority: &str, measure: Option<&str>) -> NewAction {
    NewAction {
        plan_id: plan.id.clone(),
        priority_id: priority.into(),
        aim: Aim::Prevention,
        key_action: "Four domestic abuse awareness initiatives".into(),
        lead_agency: "Charnwood Borough Council".into(),
        start: "2024-04-01".parse().unwrap(),
        due: "2024-09-30".parse().unwrap(),
        financial_implications: "£2,000 from the PLF".into(),
        resource_implications: "Officer time".into(),
        outcome_target: "Four initiatives".into(),
        measure_id: measure.map(str::to_owned),
    }
}

macro_rules! on_every_backend {
    ($name:ident, |$db:ident| $body:block) => {
        #[tokio::test]
        async fn $name() {
            let dbs = backends().await;
            for t in &dbs {
                let $db = &t.db;
                eprintln!("backend: {:?}", $db.backend());
                $body
            }
            cleanup(dbs).await;
        }
    };
}

on_every_backend!(plans_round_trip_and_refresh, |db| {
    let plan = charnwood_plan();
    db.save_plan(&plan, "analyst").await.unwrap();
    assert_eq!(db.plan(&plan.id).await.unwrap(), plan);
    // The annual refresh: saving again replaces, never duplicates.
    let mut refreshed = plan.clone();
    refreshed.title = "Refreshed".into();
    refreshed.min_coverage = 0.5;
    db.save_plan(&refreshed, "analyst").await.unwrap();
    assert_eq!(db.plan(&plan.id).await.unwrap().title, "Refreshed");
    assert_eq!(db.plan(&plan.id).await.unwrap().min_coverage, 0.5);
    assert_eq!(db.plans().await.unwrap().len(), 1);
    assert!(matches!(db.plan("nope").await, Err(DbError::NotFound(_))));
});

/// Plans stored before the share of months existed read as the default.
#[test]
fn a_plan_document_without_the_share_of_months_reads_as_the_default() {
    let plan = charnwood_plan();
    let mut doc: serde_json::Value = serde_json::to_value(&plan).unwrap();
    doc.as_object_mut().unwrap().remove("min_coverage");
    let read: Plan = serde_json::from_value(doc).unwrap();
    assert_eq!(read.min_coverage, safer_domain::DEFAULT_MIN_COVERAGE);
}

on_every_backend!(
    a_measure_with_values_cannot_be_dropped_from_the_plan,
    |db| {
        let plan = charnwood_plan();
        db.save_plan(&plan, "analyst").await.unwrap();
        let (_, m) = plan.measures().next().unwrap();
        db.record_value(
            &plan.id,
            &m.id,
            "2024-Q1".parse().unwrap(),
            3.0,
            "",
            "officer",
        )
        .await
        .unwrap();
        let mut smaller = plan.clone();
        smaller.priorities[0].measures.remove(0);
        let e = db.save_plan(&smaller, "analyst").await.unwrap_err();
        assert!(matches!(e, DbError::Conflict(_)), "{e}");
        // Nothing of the failed refresh is kept.
        assert_eq!(db.plan(&plan.id).await.unwrap(), plan);
    }
);

on_every_backend!(the_latest_entry_for_a_quarter_counts, |db| {
    let plan = charnwood_plan();
    db.save_plan(&plan, "analyst").await.unwrap();
    let m = "p1-m4";
    db.record_value(&plan.id, m, "2024-Q1".parse().unwrap(), 10.0, "first", "a")
        .await
        .unwrap();
    db.record_value(&plan.id, m, "2024-Q2".parse().unwrap(), 12.0, "", "a")
        .await
        .unwrap();
    db.record_value(
        &plan.id,
        m,
        "2024-Q1".parse().unwrap(),
        11.0,
        "corrected",
        "b",
    )
    .await
    .unwrap();
    let v = db.values(&plan.id, m).await.unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(
        (v[0].value, v[0].entered_by.as_str(), v[0].note.as_str()),
        (11.0, "b", "corrected")
    );
    assert_eq!(v[1].value, 12.0);
    assert!(v[0].entered_at.ends_with('Z'));
    let e = db
        .record_value(
            &plan.id,
            "no-such-measure",
            "2024-Q1".parse().unwrap(),
            1.0,
            "",
            "a",
        )
        .await
        .unwrap_err();
    assert!(matches!(e, DbError::Conflict(_)), "{e}");
});

on_every_backend!(actions_updates_and_overdue, |db| {
    let plan = charnwood_plan();
    db.save_plan(&plan, "analyst").await.unwrap();
    let id = db
        .add_action(&action(&plan, "p1", Some("p1-m4")), "coordinator")
        .await
        .unwrap();
    db.add_update(
        id,
        &ActionUpdate {
            date: "2024-07-01".parse().unwrap(),
            author: "lead".into(),
            text: "Two held".into(),
            status: ActionStatus::OnTrack,
        },
    )
    .await
    .unwrap();
    let actions = db.actions(&plan.id).await.unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].status, ActionStatus::OnTrack);
    assert_eq!(actions[0].updates[0].text, "Two held");
    assert!(actions[0].is_overdue("2024-10-01".parse().unwrap()));
    assert_eq!(
        db.action_lead(id).await.unwrap(),
        "Charnwood Borough Council"
    );
    // An action must name a priority of its plan.
    let e = db
        .add_action(&action(&plan, "p9", None), "x")
        .await
        .unwrap_err();
    assert!(matches!(e, DbError::Conflict(_)), "{e}");
    let e = db
        .add_update(
            999,
            &ActionUpdate {
                date: "2024-07-01".parse().unwrap(),
                author: "x".into(),
                text: "x".into(),
                status: ActionStatus::Complete,
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(e, DbError::NotFound(_)), "{e}");
});

on_every_backend!(fund_spend_adds_up_by_quarter, |db| {
    let plan = charnwood_plan();
    db.save_plan(&plan, "analyst").await.unwrap();
    let year = "2024/25".parse().unwrap();
    db.set_allocation(
        "charnwood",
        year,
        4_500_000,
        "PCC Partnership Locality Fund",
    )
    .await
    .unwrap();
    let project = NewProject {
        partnership: "charnwood".into(),
        year,
        name: "Diversionary activities".into(),
        lead_agency: "Charnwood Borough Council".into(),
        budget_pence: 1_200_000,
        plan_id: plan.id.clone(),
        priority_id: "p2".into(),
        action_id: None,
    };
    let pid = db.add_project(&project).await.unwrap();
    db.record_spend(pid, 1, 250_050, "", "finance")
        .await
        .unwrap();
    db.record_spend(pid, 2, 300_000, "", "finance")
        .await
        .unwrap();
    db.record_spend(pid, 2, -50, "refund", "finance")
        .await
        .unwrap();
    let f = db.fund("charnwood", year).await.unwrap();
    assert_eq!(f.allocation_pence, 4_500_000);
    assert_eq!(f.projects[0].spend_pence, [250_050, 299_950, 0, 0]);
    // The same project name twice in a year, a bad quarter, a negative allocation: refused.
    assert!(matches!(
        db.add_project(&project).await,
        Err(DbError::Conflict(_))
    ));
    assert!(matches!(
        db.record_spend(pid, 5, 1, "", "x").await,
        Err(DbError::Conflict(_))
    ));
    assert!(matches!(
        db.set_allocation("charnwood", year, -1, "x").await,
        Err(DbError::Conflict(_))
    ));
    // A project needs the year's allocation first.
    let mut other = project.clone();
    other.year = "2025/26".parse().unwrap();
    assert!(matches!(
        db.add_project(&other).await,
        Err(DbError::Conflict(_))
    ));
});

on_every_backend!(users_roles_and_sign_in_state, |db| {
    let police = db.add_agency("Leicestershire Police", true).await.unwrap();
    assert!(matches!(
        db.add_agency("Leicestershire Police", true).await,
        Err(DbError::Conflict(_))
    ));
    let id = db
        .add_user(
            "jsmith",
            "J Smith",
            police,
            &[Role::AgencyLead, Role::Caseworker],
            "$argon2id$fake",
        )
        .await
        .unwrap();
    let s = db.login_state_by_username("jsmith").await.unwrap().unwrap();
    assert_eq!(s.user.agency.name, "Leicestershire Police");
    assert!(s.user.agency.statutory);
    assert_eq!(s.user.roles, vec![Role::AgencyLead, Role::Caseworker]);
    assert!(matches!(
        db.add_user("jsmith", "Again", police, &[Role::Analyst], "x")
            .await,
        Err(DbError::Conflict(_))
    ));
    assert!(matches!(
        db.add_user("nobody", "No roles", police, &[], "x").await,
        Err(DbError::Conflict(_))
    ));
    db.record_login_failure(id, None).await.unwrap();
    db.record_login_failure(id, Some(unix_now() + 900))
        .await
        .unwrap();
    let s = db.login_state_by_username("jsmith").await.unwrap().unwrap();
    assert_eq!(s.failed_logins, 2);
    assert!(s.locked_until > unix_now());
    db.record_login_success(id).await.unwrap();
    let s = db.login_state_by_username("jsmith").await.unwrap().unwrap();
    assert_eq!((s.failed_logins, s.locked_until), (0, 0));
});

on_every_backend!(sessions_expire_and_end_with_a_new_password, |db| {
    let a = db
        .add_agency("Charnwood Borough Council", true)
        .await
        .unwrap();
    let id = db
        .add_user("cso", "CSO", a, &[Role::CommunitySafetyOfficer], "h")
        .await
        .unwrap();
    db.create_session("live", id, "csrf1", unix_now() + 600)
        .await
        .unwrap();
    db.create_session("old", id, "csrf2", unix_now() - 1)
        .await
        .unwrap();
    assert_eq!(
        db.session("live").await.unwrap().unwrap().csrf_token,
        "csrf1"
    );
    assert!(
        db.session("old").await.unwrap().is_none(),
        "an expired session is gone"
    );
    assert!(db.session("unknown").await.unwrap().is_none());
    db.set_password(id, "h2").await.unwrap();
    assert!(
        db.session("live").await.unwrap().is_none(),
        "a password reset ends sessions"
    );
});

on_every_backend!(api_tokens_are_scoped_and_revocable, |db| {
    let a = db.add_agency("Fire", true).await.unwrap();
    let id = db
        .add_user("bot", "Bot", a, &[Role::Analyst], "h")
        .await
        .unwrap();
    let t = db
        .create_api_token(id, "nightly", "digest", &["read".into()], unix_now() + 3600)
        .await
        .unwrap();
    let (user, token) = db.api_token("digest").await.unwrap().unwrap();
    assert_eq!(
        (user.username.as_str(), token.scopes.as_slice()),
        ("bot", ["read".to_owned()].as_slice())
    );
    db.revoke_api_token(t).await.unwrap();
    assert!(db.api_token("digest").await.unwrap().is_none());
    assert!(matches!(
        db.revoke_api_token(t).await,
        Err(DbError::NotFound(_))
    ));
    db.create_api_token(id, "expired", "digest2", &[], unix_now() - 1)
        .await
        .unwrap();
    assert!(db.api_token("digest2").await.unwrap().is_none());
});

on_every_backend!(the_audit_chain_detects_tampering, |db| {
    for i in 0..3 {
        db.audit(&AuditEntry {
            actor: "cso".into(),
            agency: "Council".into(),
            action: "update_action".into(),
            target: format!("action/{i}"),
            detail: "status on_track".into(),
            source: "127.0.0.1".into(),
        })
        .await
        .unwrap();
    }
    assert_eq!(
        db.verify_audit().await.unwrap(),
        Verification {
            entries: 3,
            first_broken: None
        }
    );
    assert_eq!(db.audit_log(10).await.unwrap()[0].target, "action/2");
    // The database refuses changes to the log …
    assert!(
        db.execute_admin("UPDATE audit_log SET detail = 'x'")
            .await
            .is_err()
    );
    assert!(db.execute_admin("DELETE FROM audit_log").await.is_err());
    // … and a change made around that refusal is detected.
    let ids: Vec<i64> = db
        .audit_log(10)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    let second = ids[1];
    match db.backend() {
        Backend::Sqlite => db
            .execute_admin("DROP TRIGGER audit_log_no_update")
            .await
            .unwrap(),
        Backend::Postgres => db
            .execute_admin("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change")
            .await
            .unwrap(),
    }
    db.execute_admin(&format!(
        "UPDATE audit_log SET detail = 'status complete' WHERE id = {second}"
    ))
    .await
    .unwrap();
    assert_eq!(db.verify_audit().await.unwrap().first_broken, Some(second));
});
