//! The database layer against every backend: SQLite always, and PostgreSQL
//! when `SAFER_TEST_POSTGRES` names a server (a URL to its `postgres`
//! database). Each PostgreSQL test gets a fresh database, dropped after.

use std::path::Path;

use std::sync::Arc;

use safer_domain::{
    ActionId, ActionScope, ActionStatus, ActionUpdate, AgencyId, Aim, FixedClock, Plan, Role,
    Timestamp,
};
use safer_store::db::{AuditEntry, DbError, NewAction, NewProject, Verification};
use safer_store::{Backend, Database};

/// The audit entry a change is recorded with.
fn entry(action: &str) -> AuditEntry {
    AuditEntry {
        actor: "tester".into(),
        agency: "Charnwood Borough Council".into(),
        action: action.into(),
        target: String::new(),
        detail: String::new(),
        source: "test".into(),
    }
}

/// Unix seconds now by the database's clock.
fn now(db: &Database) -> i64 {
    db.now().unix_seconds()
}

/// Adds an agency for the tests that need one to lead an action.
async fn council(db: &Database) -> AgencyId {
    match db
        .agency_by_name("Charnwood Borough Council")
        .await
        .unwrap()
    {
        Some(a) => a.id,
        None => db
            .add_agency("Charnwood Borough Council", true, &entry("add_agency"))
            .await
            .unwrap(),
    }
}

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
    if let Some(admin) = postgres_admin() {
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

fn action(plan: &Plan, lead: AgencyId, priority: &str, measure: Option<&str>) -> NewAction {
    NewAction {
        plan_id: plan.id.clone(),
        priority_id: priority.into(),
        aim: Aim::Prevention,
        key_action: "Four domestic abuse awareness initiatives".into(),
        lead_agency_id: lead,
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
    db.save_plan(&plan, "analyst", &entry("import_plan"))
        .await
        .unwrap();
    assert_eq!(db.plan(&plan.id).await.unwrap(), plan);
    // The annual refresh: saving again replaces, never duplicates.
    let mut refreshed = plan.clone();
    refreshed.title = "Refreshed".into();
    refreshed.min_coverage = 0.5;
    db.save_plan(&refreshed, "analyst", &entry("import_plan"))
        .await
        .unwrap();
    assert_eq!(db.plan(&plan.id).await.unwrap().title, "Refreshed");
    assert_eq!(db.plan(&plan.id).await.unwrap().min_coverage, 0.5);
    assert_eq!(db.plans().await.unwrap().len(), 1);
    assert!(matches!(db.plan("nope").await, Err(DbError::NotFound(_))));
    // Every version is kept; importing the same plan again adds none.
    db.save_plan(&refreshed, "cso", &entry("import_plan"))
        .await
        .unwrap();
    let versions = db.plan_versions(&plan.id).await.unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!((versions[0].version, &versions[0].plan), (1, &plan));
    assert_eq!(
        (versions[1].version, versions[1].imported_by.as_str()),
        (2, "analyst")
    );
    assert_eq!(versions[1].plan.title, "Refreshed");
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
        db.save_plan(&plan, "analyst", &entry("import_plan"))
            .await
            .unwrap();
        let (_, m) = plan.measures().next().unwrap();
        db.record_value(
            &plan.id,
            &m.id,
            "2024-Q1".parse().unwrap(),
            3.0,
            "",
            "officer",
            &entry("record_value"),
        )
        .await
        .unwrap();
        let mut smaller = plan.clone();
        smaller.priorities[0].measures.remove(0);
        let e = db
            .save_plan(&smaller, "analyst", &entry("import_plan"))
            .await
            .unwrap_err();
        assert!(matches!(e, DbError::Conflict(_)), "{e}");
        // Nothing of the failed refresh is kept.
        assert_eq!(db.plan(&plan.id).await.unwrap(), plan);
    }
);

on_every_backend!(the_latest_entry_for_a_quarter_counts, |db| {
    let plan = charnwood_plan();
    db.save_plan(&plan, "analyst", &entry("import_plan"))
        .await
        .unwrap();
    let m = "p1-m4";
    let record = |q: &str, v: f64, note: &'static str, by: &'static str| {
        let q = q.parse().unwrap();
        let plan_id = plan.id.clone();
        async move {
            db.record_value(&plan_id, m, q, v, note, by, &entry("record_value"))
                .await
        }
    };
    record("2024-Q1", 10.0, "first", "a").await.unwrap();
    record("2024-Q2", 12.0, "", "a").await.unwrap();
    record("2024-Q1", 11.0, "corrected", "b").await.unwrap();
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
            &entry("record_value"),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, DbError::Conflict(_)), "{e}");
});

fn update(text: &str, status: ActionStatus) -> ActionUpdate {
    ActionUpdate {
        date: "2024-07-01".parse().unwrap(),
        author: "lead".into(),
        text: text.into(),
        status,
    }
}

on_every_backend!(actions_updates_and_overdue, |db| {
    let plan = charnwood_plan();
    db.save_plan(&plan, "analyst", &entry("import_plan"))
        .await
        .unwrap();
    let lead = council(db).await;
    let id = db
        .add_action(
            &action(&plan, lead, "p1", Some("p1-m4")),
            "coordinator",
            &entry("add_action"),
        )
        .await
        .unwrap();
    db.add_update(
        id,
        ActionScope::LeadAgency(lead),
        &update("Two held", ActionStatus::OnTrack),
        &entry("update_action"),
    )
    .await
    .unwrap();
    let actions = db.actions(&plan.id).await.unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].status, ActionStatus::OnTrack);
    assert_eq!(actions[0].updates[0].text, "Two held");
    assert_eq!(actions[0].lead_agency, "Charnwood Borough Council");
    assert_eq!(actions[0].lead_agency_id, Some(lead));
    assert!(actions[0].is_overdue("2024-10-01".parse().unwrap()));
    // The audit entry names the new action.
    let log = db.audit_log(10).await.unwrap();
    assert_eq!(log[1].target, format!("action {id}"));
    // An update dated earlier but entered later is the latest: its status
    // is the action's, and it comes last.
    let mut earlier = update("Reported late: one held in June", ActionStatus::AtRisk);
    earlier.date = "2024-06-15".parse().unwrap();
    db.add_update(id, ActionScope::All, &earlier, &entry("update_action"))
        .await
        .unwrap();
    let a = db.action_in_scope(id, ActionScope::All).await.unwrap();
    assert_eq!(a.status, ActionStatus::AtRisk);
    assert_eq!(
        a.updates.last().unwrap().text,
        "Reported late: one held in June"
    );
    let listed = &db.actions(&plan.id).await.unwrap()[0];
    assert_eq!(listed.updates, a.updates);
    // An action must name a priority of its plan, and an agency that exists.
    let e = db
        .add_action(&action(&plan, lead, "p9", None), "x", &entry("add_action"))
        .await
        .unwrap_err();
    assert!(matches!(e, DbError::Conflict(_)), "{e}");
    let e = db
        .add_action(
            &action(&plan, AgencyId::from_stored(9999), "p1", None),
            "x",
            &entry("add_action"),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, DbError::NotFound(_)), "{e}");
    let e = db
        .add_update(
            ActionId::from_stored(999),
            ActionScope::All,
            &update("x", ActionStatus::Complete),
            &entry("update_action"),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, DbError::NotFound(_)), "{e}");
});

on_every_backend!(an_action_outside_the_scope_is_not_found, |db| {
    let plan = charnwood_plan();
    db.save_plan(&plan, "analyst", &entry("import_plan"))
        .await
        .unwrap();
    let lead = council(db).await;
    let fire = db
        .add_agency("Leicestershire Fire and Rescue", true, &entry("add_agency"))
        .await
        .unwrap();
    let id = db
        .add_action(&action(&plan, lead, "p1", None), "c", &entry("add_action"))
        .await
        .unwrap();
    let before = db.audit_log(100).await.unwrap().len();
    // Another agency can neither read nor update it: not found, as if absent.
    assert!(matches!(
        db.action_in_scope(id, ActionScope::LeadAgency(fire)).await,
        Err(DbError::NotFound(_))
    ));
    assert!(matches!(
        db.add_update(
            id,
            ActionScope::LeadAgency(fire),
            &update("not mine", ActionStatus::Complete),
            &entry("update_action"),
        )
        .await,
        Err(DbError::NotFound(_))
    ));
    let a = db.action_in_scope(id, ActionScope::All).await.unwrap();
    assert_eq!((a.status, a.updates.len()), (ActionStatus::NotStarted, 0));
    assert_eq!(db.audit_log(100).await.unwrap().len(), before);
    // Its own lead agency can.
    assert_eq!(
        db.action_in_scope(id, ActionScope::LeadAgency(lead))
            .await
            .unwrap()
            .id,
        id
    );
});

on_every_backend!(fund_spend_adds_up_by_quarter, |db| {
    let plan = charnwood_plan();
    db.save_plan(&plan, "analyst", &entry("import_plan"))
        .await
        .unwrap();
    let year = "2024/25".parse().unwrap();
    db.set_allocation(
        "charnwood",
        year,
        4_500_000,
        "PCC Partnership Locality Fund",
        &entry("set_allocation"),
    )
    .await
    .unwrap();
    let project = NewProject {
        partnership: "charnwood".into(),
        year,
        name: "Diversionary activities".into(),
        lead_agency_id: council(db).await,
        budget_pence: 1_200_000,
        plan_id: plan.id.clone(),
        priority_id: "p2".into(),
        action_id: None,
    };
    let pid = db
        .add_project(&project, &entry("add_project"))
        .await
        .unwrap();
    assert_eq!(
        db.audit_log(1).await.unwrap()[0].target,
        format!("fund project {pid}")
    );
    for (q, pence, note) in [(1, 250_050, ""), (2, 300_000, ""), (2, -50, "refund")] {
        db.record_spend(pid, q, pence, note, "finance", &entry("record_spend"))
            .await
            .unwrap();
    }
    let f = db.fund("charnwood", year).await.unwrap();
    assert_eq!(f.allocation_pence, 4_500_000);
    assert_eq!(f.projects[0].spend_pence, [250_050, 299_950, 0, 0]);
    // The same project name twice in a year, a bad quarter, a negative allocation: refused.
    assert!(matches!(
        db.add_project(&project, &entry("add_project")).await,
        Err(DbError::Conflict(_))
    ));
    assert!(matches!(
        db.record_spend(pid, 5, 1, "", "x", &entry("record_spend"))
            .await,
        Err(DbError::Conflict(_))
    ));
    assert!(matches!(
        db.set_allocation("charnwood", year, -1, "x", &entry("set_allocation"))
            .await,
        Err(DbError::Conflict(_))
    ));
    // A project needs the year's allocation first.
    let mut other = project.clone();
    other.year = "2025/26".parse().unwrap();
    assert!(matches!(
        db.add_project(&other, &entry("add_project")).await,
        Err(DbError::Conflict(_))
    ));
});

on_every_backend!(users_roles_and_sign_in_state, |db| {
    let police = db
        .add_agency("Leicestershire Police", true, &entry("add_agency"))
        .await
        .unwrap();
    // Agency names are unique whatever their case.
    assert!(matches!(
        db.add_agency("leicestershire police", true, &entry("add_agency"))
            .await,
        Err(DbError::Conflict(_))
    ));
    let id = db
        .add_user(
            "jsmith",
            "J Smith",
            police,
            &[Role::AgencyLead, Role::Caseworker],
            "$argon2id$fake",
            &entry("add_user"),
        )
        .await
        .unwrap();
    let s = db.login_state_by_username("jsmith").await.unwrap().unwrap();
    assert_eq!(s.user.agency.name, "Leicestershire Police");
    assert!(s.user.agency.statutory);
    assert_eq!(s.user.roles, vec![Role::AgencyLead, Role::Caseworker]);
    assert!(matches!(
        db.add_user(
            "jsmith",
            "Again",
            police,
            &[Role::Analyst],
            "x",
            &entry("add_user")
        )
        .await,
        Err(DbError::Conflict(_))
    ));
    assert!(matches!(
        db.add_user("nobody", "No roles", police, &[], "x", &entry("add_user"))
            .await,
        Err(DbError::Conflict(_))
    ));
    db.record_login_failure(id, None, &entry("sign_in_failed"))
        .await
        .unwrap();
    db.record_login_failure(id, Some(now(db) + 900), &entry("sign_in_failed"))
        .await
        .unwrap();
    let s = db.login_state_by_username("jsmith").await.unwrap().unwrap();
    assert_eq!(s.failed_logins, 2);
    assert!(s.locked_until > now(db));
    db.sign_in(id, "t", "csrf", now(db) + 600, &entry("sign_in"))
        .await
        .unwrap();
    let s = db.login_state_by_username("jsmith").await.unwrap().unwrap();
    assert_eq!((s.failed_logins, s.locked_until), (0, 0));
    assert_eq!(db.session("t").await.unwrap().unwrap().csrf_token, "csrf");
});

#[tokio::test]
async fn sessions_expire_by_the_clock_and_end_with_a_new_password() {
    let dbs = backends().await;
    for t in &dbs {
        let clock = Arc::new(FixedClock::at(Timestamp::from_unix_seconds(1_750_000_000)));
        let db = &t.db.clone().with_clock(clock.clone());
        let a = council(db).await;
        let id = db
            .add_user(
                "cso",
                "CSO",
                a,
                &[Role::CommunitySafetyOfficer],
                "h",
                &entry("add_user"),
            )
            .await
            .unwrap();
        db.sign_in(id, "live", "csrf1", now(db) + 600, &entry("sign_in"))
            .await
            .unwrap();
        db.sign_in(id, "short", "csrf2", now(db) + 60, &entry("sign_in"))
            .await
            .unwrap();
        assert_eq!(
            db.session("live").await.unwrap().unwrap().csrf_token,
            "csrf1"
        );
        assert!(db.session("short").await.unwrap().is_some());
        clock.advance(60);
        assert!(
            db.session("short").await.unwrap().is_none(),
            "a session is gone the second it expires"
        );
        assert!(db.session("unknown").await.unwrap().is_none());
        db.end_session("none such", None).await.unwrap();
        db.set_password(id, "h2", &entry("reset_password"))
            .await
            .unwrap();
        assert!(
            db.session("live").await.unwrap().is_none(),
            "a password reset ends sessions"
        );
        // What was written carries the clock's time.
        assert!(
            db.audit_log(1).await.unwrap()[0]
                .at
                .starts_with(&Timestamp::from_unix_seconds(1_750_000_060).to_rfc3339()[..16])
        );
    }
    cleanup(dbs).await;
}

on_every_backend!(api_tokens_are_scoped_and_revocable, |db| {
    let a = db
        .add_agency("Fire", true, &entry("add_agency"))
        .await
        .unwrap();
    let id = db
        .add_user("bot", "Bot", a, &[Role::Analyst], "h", &entry("add_user"))
        .await
        .unwrap();
    let t = db
        .create_api_token(
            id,
            "nightly",
            "digest",
            &["read".into()],
            now(db) + 3600,
            &entry("create_token"),
        )
        .await
        .unwrap();
    let (user, token) = db.api_token("digest").await.unwrap().unwrap();
    assert_eq!(
        (user.username.as_str(), token.scopes.as_slice()),
        ("bot", ["read".to_owned()].as_slice())
    );
    db.revoke_api_token(t, &entry("revoke_token"))
        .await
        .unwrap();
    assert!(db.api_token("digest").await.unwrap().is_none());
    assert!(matches!(
        db.revoke_api_token(t, &entry("revoke_token")).await,
        Err(DbError::NotFound(_))
    ));
    db.create_api_token(
        id,
        "expired",
        "digest2",
        &[],
        now(db) - 1,
        &entry("create_token"),
    )
    .await
    .unwrap();
    assert!(db.api_token("digest2").await.unwrap().is_none());
});

// Every change is written with its audit entry in one transaction: when the
// entry cannot be written, the change is not kept either.
on_every_backend!(a_change_whose_audit_entry_fails_is_not_kept, |db| {
    let plan = charnwood_plan();
    db.save_plan(&plan, "analyst", &entry("import_plan"))
        .await
        .unwrap();
    let lead = council(db).await;
    let user = db
        .add_user(
            "lead",
            "Lead",
            lead,
            &[Role::AgencyLead],
            "h",
            &entry("add_user"),
        )
        .await
        .unwrap();
    let action_id = db
        .add_action(&action(&plan, lead, "p1", None), "c", &entry("add_action"))
        .await
        .unwrap();
    let year = "2024/25".parse().unwrap();
    db.set_allocation("charnwood", year, 100, "PLF", &entry("set_allocation"))
        .await
        .unwrap();
    let project = NewProject {
        partnership: "charnwood".into(),
        year,
        name: "Street pastors".into(),
        lead_agency_id: council(db).await,
        budget_pence: 50,
        plan_id: plan.id.clone(),
        priority_id: "p2".into(),
        action_id: None,
    };
    let project_id = db
        .add_project(&project, &entry("add_project"))
        .await
        .unwrap();
    let token = db
        .create_api_token(user, "t", "tok", &[], now(db) + 60, &entry("create_token"))
        .await
        .unwrap();
    db.sign_in(user, "sess", "c", now(db) + 600, &entry("sign_in"))
        .await
        .unwrap();
    let entries = db.verify_audit().await.unwrap().entries;

    db.inject_audit_fault().await.unwrap();

    let refused = |r: Result<(), DbError>, what: &str| {
        assert!(r.is_err(), "{what} was kept without its audit entry");
    };
    let mut renamed = plan.clone();
    renamed.title = "Changed".into();
    refused(
        db.save_plan(&renamed, "a", &entry("import_plan")).await,
        "a plan",
    );
    refused(
        db.add_agency("Probation", true, &entry("add_agency"))
            .await
            .map(drop),
        "an agency",
    );
    refused(
        db.add_user("x", "X", lead, &[Role::Analyst], "h", &entry("add_user"))
            .await
            .map(drop),
        "a user",
    );
    refused(
        db.record_login_failure(user, Some(now(db) + 900), &entry("sign_in_failed"))
            .await,
        "a failed sign-in",
    );
    refused(
        db.sign_in(user, "sess2", "c", now(db) + 600, &entry("sign_in"))
            .await,
        "a session",
    );
    refused(
        db.set_password(user, "new", &entry("reset_password")).await,
        "a password",
    );
    refused(
        db.end_session("sess", Some(&entry("sign_out"))).await,
        "a sign-out",
    );
    refused(
        db.create_api_token(user, "u", "tok2", &[], now(db) + 60, &entry("create_token"))
            .await
            .map(drop),
        "a token",
    );
    refused(
        db.revoke_api_token(token, &entry("revoke_token")).await,
        "a revocation",
    );
    refused(
        db.add_action(&action(&plan, lead, "p1", None), "c", &entry("add_action"))
            .await
            .map(drop),
        "an action",
    );
    refused(
        db.add_update(
            action_id,
            ActionScope::All,
            &update("done", ActionStatus::Complete),
            &entry("update_action"),
        )
        .await,
        "an update",
    );
    refused(
        db.record_value(
            &plan.id,
            "p1-m4",
            "2024-Q1".parse().unwrap(),
            1.0,
            "",
            "a",
            &entry("record_value"),
        )
        .await,
        "a value",
    );
    refused(
        db.set_allocation("charnwood", year, 999, "PLF", &entry("set_allocation"))
            .await,
        "an allocation",
    );
    let mut second = project.clone();
    second.name = "Another".into();
    refused(
        db.add_project(&second, &entry("add_project"))
            .await
            .map(drop),
        "a project",
    );
    refused(
        db.record_spend(project_id, 1, 10, "", "f", &entry("record_spend"))
            .await,
        "spend",
    );

    // Nothing changed.
    assert_eq!(db.plan(&plan.id).await.unwrap(), plan);
    assert_eq!(db.agencies().await.unwrap().len(), 1);
    assert_eq!(db.users().await.unwrap().len(), 1);
    let s = db.login_state_by_username("lead").await.unwrap().unwrap();
    assert_eq!(
        (s.failed_logins, s.locked_until, s.password_hash.as_str()),
        (0, 0, "h")
    );
    assert!(db.session("sess").await.unwrap().is_some());
    assert!(db.session("sess2").await.unwrap().is_none());
    assert!(db.api_token("tok").await.unwrap().is_some());
    assert_eq!(db.api_tokens().await.unwrap().len(), 1);
    let actions = db.actions(&plan.id).await.unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].status, ActionStatus::NotStarted);
    assert!(actions[0].updates.is_empty());
    assert!(db.values(&plan.id, "p1-m4").await.unwrap().is_empty());
    let f = db.fund("charnwood", year).await.unwrap();
    assert_eq!(f.allocation_pence, 100);
    assert_eq!(f.projects.len(), 1);
    assert_eq!(f.projects[0].spend_pence, [0, 0, 0, 0]);
    assert_eq!(db.verify_audit().await.unwrap().entries, entries);
});

on_every_backend!(the_audit_log_is_searched_by_who_what_when_and_text, |db| {
    use safer_store::db::AuditFilter;
    for (actor, action, target) in [
        ("jsmith", "update_action", "action 1"),
        ("JSmith", "sign_in", "sign-in"),
        ("cso", "update_action", "action 2"),
        ("cso", "export", "fund return charnwood 2024/25 Q1"),
    ] {
        let mut e = entry(action);
        e.actor = actor.into();
        e.target = target.into();
        db.audit(&e).await.unwrap();
    }
    let find = |f: AuditFilter| async move { db.audit_search(&f, 10, 0).await.unwrap() };
    let (rows, n) = find(AuditFilter {
        actor: "JSMITH".into(),
        ..AuditFilter::default()
    })
    .await;
    assert_eq!((rows.len(), n), (2, 2), "who, whatever the case");
    let (rows, _) = find(AuditFilter {
        action: "update_action".into(),
        ..AuditFilter::default()
    })
    .await;
    assert_eq!(
        rows.iter().map(|r| r.target.as_str()).collect::<Vec<_>>(),
        ["action 2", "action 1"]
    );
    let (_, n) = find(AuditFilter {
        text: "FUND RETURN".into(),
        ..AuditFilter::default()
    })
    .await;
    assert_eq!(n, 1, "text in the target, whatever the case");
    let today = db.now().date();
    let (_, n) = find(AuditFilter {
        from: today.to_string(),
        until: today.next().unwrap().to_string(),
        ..AuditFilter::default()
    })
    .await;
    assert_eq!(n, 4, "within the day");
    let (_, n) = find(AuditFilter {
        until: today.to_string(),
        ..AuditFilter::default()
    })
    .await;
    assert_eq!(n, 0);
    // Paging: newest first, and the total stays.
    let (page2, n) = db
        .audit_search(&AuditFilter::default(), 3, 3)
        .await
        .unwrap();
    assert_eq!((page2.len(), n), (1, 4));
    assert_eq!(page2[0].target, "action 1");
    // Text that looks like SQL is just text.
    let (_, n) = find(AuditFilter {
        text: "' OR 1=1 --".into(),
        ..AuditFilter::default()
    })
    .await;
    assert_eq!(n, 0);
});

on_every_backend!(a_narrative_is_kept_with_its_assessment, |db| {
    let year = "2023/24".parse().unwrap();
    assert_eq!(db.narrative("Charnwood", year, None).await.unwrap(), None);
    let mut n = safer_domain::Narrative {
        key_findings: "Burglary rose.".into(),
        ..safer_domain::Narrative::default()
    };
    db.write_narrative(
        "Charnwood",
        year,
        None,
        &n,
        "analyst",
        &entry("write_narrative"),
    )
    .await
    .unwrap();
    n.emerging_threats = "County lines.".into();
    db.write_narrative(
        "CHARNWOOD",
        year,
        None,
        &n,
        "analyst2",
        &entry("write_narrative"),
    )
    .await
    .unwrap();
    let held = db
        .narrative("charnwood", year, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((held.narrative, held.written_by.as_str()), (n, "analyst2"));
    // Another period is another narrative.
    let june = Some("2023-06".parse().unwrap());
    assert_eq!(db.narrative("Charnwood", year, june).await.unwrap(), None);
});

on_every_backend!(a_commentary_is_kept_per_measure_and_quarter, |db| {
    let q1: safer_domain::Quarter = "2024-Q1".parse().unwrap();
    let q2: safer_domain::Quarter = "2024-Q2".parse().unwrap();
    for (m, q, text) in [
        ("m1", q1, "First."),
        ("m1", q2, "Second."),
        ("m2", q2, "Other."),
    ] {
        db.write_commentary("plan", m, q, text, "officer", &entry("write_commentary"))
            .await
            .unwrap();
    }
    db.write_commentary(
        "plan",
        "m1",
        q2,
        "Second, rewritten.",
        "analyst",
        &entry("write_commentary"),
    )
    .await
    .unwrap();
    let of_m1 = db.commentaries("plan", Some("m1"), None).await.unwrap();
    assert_eq!(
        of_m1
            .iter()
            .map(|c| (c.quarter, c.text.as_str(), c.written_by.as_str()))
            .collect::<Vec<_>>(),
        [
            (q1, "First.", "officer"),
            (q2, "Second, rewritten.", "analyst")
        ]
    );
    let of_q2 = db.commentaries("plan", None, Some(q2)).await.unwrap();
    assert_eq!(
        of_q2
            .iter()
            .map(|c| c.measure_id.as_str())
            .collect::<Vec<_>>(),
        ["m1", "m2"]
    );
    assert!(
        db.commentaries("other", None, None)
            .await
            .unwrap()
            .is_empty()
    );
    // An empty text removes it.
    db.write_commentary("plan", "m1", q1, "", "officer", &entry("write_commentary"))
        .await
        .unwrap();
    assert_eq!(
        db.commentaries("plan", Some("m1"), Some(q1)).await.unwrap(),
        []
    );
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

/// A database an earlier Safer left, with actions and fund projects whose
/// leads were written as text, is migrated so that every lead is an agency
/// referred to by id: existing agencies are matched whatever the case and
/// spacing, and leads naming no agency become (non-statutory) agencies.
#[tokio::test]
async fn leads_written_as_text_become_agency_ids() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut urls = vec![(Database::sqlite_url(dir.path()), None)];
    if let Some(admin) = postgres_admin() {
        let (url, name) = Database::scratch_postgres(&admin, "safer_migrate")
            .await
            .expect("a scratch PostgreSQL database");
        urls.push((url, Some((admin, name))));
    }
    for (url, drop_pg) in urls {
        let old = Database::connect_at_schema(&url, 2).await.unwrap();
        let plan = charnwood_plan();
        // The plan as that schema held it (this version's save_plan writes
        // tables the old schema did not have).
        let lit = |s: &str| format!("'{}'", s.replace('\'', "''"));
        old.execute_admin(&format!(
            "INSERT INTO plans (id, partnership, title, first_year, last_year, document, imported_at, imported_by)
             VALUES ({}, {}, {}, {}, {}, {}, '2024-04-01T00:00:00Z', 'analyst')",
            lit(&plan.id),
            lit(&plan.partnership),
            lit(&plan.title),
            lit(&plan.first_year.to_string()),
            lit(&plan.last_year.to_string()),
            lit(&serde_json::to_string(&plan).unwrap())
        ))
        .await
        .unwrap();
        for p in &plan.priorities {
            old.execute_admin(&format!(
                "INSERT INTO priorities (plan_id, id, number, title) VALUES ({}, {}, {}, {})",
                lit(&plan.id),
                lit(&p.id),
                p.number,
                lit(&p.title)
            ))
            .await
            .unwrap();
        }
        for sql in [
            "INSERT INTO agencies (name, statutory) VALUES ('Leicestershire Police', 1)",
            "INSERT INTO actions (plan_id, priority_id, aim, key_action, lead_agency, start_date, due_date,
               financial_implications, resource_implications, outcome_target, measure_id, status, created_by, created_at)
             VALUES ('charnwood-2023-26', 'p1', 'enforcement', 'Patrols', ' leicestershire POLICE ', '2024-04-01', '2024-09-30',
               '', '', '', NULL, 'not_started', 'x', '2024-04-01T00:00:00Z')",
            "INSERT INTO actions (plan_id, priority_id, aim, key_action, lead_agency, start_date, due_date,
               financial_implications, resource_implications, outcome_target, measure_id, status, created_by, created_at)
             VALUES ('charnwood-2023-26', 'p1', 'prevention', 'Visits', 'Youth Service', '2024-04-01', '2024-09-30',
               '', '', '', NULL, 'not_started', 'x', '2024-04-01T00:00:00Z')",
            "INSERT INTO fund_allocations (partnership, year, amount_pence, source) VALUES ('charnwood', '2024/25', 100, 'PLF')",
            "INSERT INTO fund_projects (partnership, year, name, lead_agency, budget_pence, plan_id, priority_id, action_id)
             VALUES ('charnwood', '2024/25', 'Youth club', 'youth service', 50, 'charnwood-2023-26', 'p2', NULL)",
        ] {
            old.execute_admin(sql).await.unwrap();
        }
        old.close().await;

        let db = Database::connect(&url).await.unwrap();
        // The plan held before versions were kept is its own first version.
        let versions = db.plan_versions(&plan.id).await.unwrap();
        assert_eq!((versions.len(), versions[0].version), (1, 1), "{url}");
        assert_eq!(versions[0].plan, plan);
        let agencies = db.agencies().await.unwrap();
        let names: Vec<(&str, bool)> = agencies
            .iter()
            .map(|a| (a.name.as_str(), a.statutory))
            .collect();
        assert_eq!(
            names,
            [("Leicestershire Police", true), ("Youth Service", false)],
            "{url}"
        );
        let police = agencies[0].id;
        let youth = agencies[1].id;
        let actions = db.actions(&plan.id).await.unwrap();
        let leads: Vec<(Option<AgencyId>, &str)> = actions
            .iter()
            .map(|a| (a.lead_agency_id, a.lead_agency.as_str()))
            .collect();
        assert_eq!(
            leads,
            [
                (Some(police), "Leicestershire Police"),
                (Some(youth), "Youth Service")
            ]
        );
        let f = db
            .fund("charnwood", "2024/25".parse().unwrap())
            .await
            .unwrap();
        assert_eq!(
            (
                f.projects[0].lead_agency_id,
                f.projects[0].lead_agency.as_str()
            ),
            (Some(youth), "Youth Service")
        );
        // The agency lead of the police now finds their action by scope.
        assert_eq!(
            db.action_in_scope(actions[0].id, ActionScope::LeadAgency(police))
                .await
                .unwrap()
                .key_action,
            "Patrols"
        );
        db.close().await;
        if let Some((admin, name)) = drop_pg {
            Database::drop_postgres(&admin, &name).await.unwrap();
        }
    }
}

// Every change moves the newest audit entry's id, which tells a result
// kept from the database whether it still holds.
on_every_backend!(the_audit_head_moves_with_every_change, |db| {
    assert_eq!(db.audit_head().await.unwrap(), 0);
    let plan = charnwood_plan();
    db.save_plan(&plan, "analyst", &entry("import_plan"))
        .await
        .unwrap();
    let first = db.audit_head().await.unwrap();
    assert!(first > 0);
    let q = "2023-Q2".parse().unwrap();
    db.record_value(&plan.id, "p1-m4", q, 1.0, "", "cso", &entry("record_value"))
        .await
        .unwrap();
    let second = db.audit_head().await.unwrap();
    assert!(second > first);
    assert_eq!(db.audit_log(1).await.unwrap()[0].id, second);
});

/// The PostgreSQL server's admin URL from `SAFER_TEST_POSTGRES`. Without
/// it the tests run on SQLite alone, except under CI, where every backend
/// must be tested.
fn postgres_admin() -> Option<String> {
    let url = std::env::var("SAFER_TEST_POSTGRES").ok();
    assert!(
        url.is_some() || std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but SAFER_TEST_POSTGRES is not set: the PostgreSQL runs cannot be skipped"
    );
    url
}

on_every_backend!(cases_are_read_only_within_the_need_to_know, |db| {
    use safer_domain::casework::access::{CaseFacts, CaseScope};
    use safer_domain::casework::case::{CaseRole, RiskLevel};
    use safer_domain::casework::person::{Birth, Person};
    use safer_store::db::{CaseShare, NewCase};
    use std::collections::BTreeSet;

    let mut agencies = Vec::new();
    for name in ["Police", "Council", "Fire", "Health"] {
        agencies.push(
            db.add_agency(name, true, &entry("add_agency"))
                .await
                .unwrap(),
        );
    }
    let person = db
        .add_person(
            &Person {
                name: "[Demonstration] Alex Example".into(),
                aliases: vec![],
                birth: Birth::AgeBand { from: 16, to: 17 },
                address: None,
                vulnerabilities: BTreeSet::new(),
            },
            "tester",
            &entry("add_person"),
        )
        .await
        .unwrap();
    // Cases: (lead, others involved, type).
    let plan: [(usize, &[usize], &str); 5] = [
        (0, &[], "asb"),
        (1, &[0], "asb"),
        (2, &[], "exploitation"),
        (1, &[3], "prevent"),
        (3, &[], "vulnerable_location"),
    ];
    let mut ids = Vec::new();
    for (lead, others, case_type) in plan {
        let id = db
            .open_case(
                &NewCase {
                    forum: "jag".into(),
                    case_type: case_type.into(),
                    title: format!("[Demonstration] {case_type}"),
                    risk: RiskLevel::Medium,
                    lead_agency_id: agencies[lead],
                    involved: others.iter().map(|i| agencies[*i]).collect(),
                    people: vec![(person, CaseRole::Victim)],
                    new_people: vec![],
                    lead_officer: "PC Example".into(),
                    reason: "Repeated ASB at the victim's home".into(),
                    referred_on: "2024-05-01".parse().unwrap(),
                    referrer_agency_id: agencies[lead],
                },
                "tester",
                &entry("open_case"),
            )
            .await
            .unwrap();
        ids.push(id);
    }
    let everything = CaseScope {
        agency: None,
        denied_types: BTreeSet::new(),
    };
    // The fire service shares the exploitation case with health.
    db.share_case(
        ids[2],
        &CaseShare {
            with: agencies[3],
            agreement: "LLR ISA",
            reason: "Health visitor involved",
        },
        &everything,
        "tester",
        None,
        &entry("share_case"),
    )
    .await
    .unwrap();
    // A sharer who may not see a case cannot share it: not found.
    let fire_only = CaseScope {
        agency: Some(agencies[2]),
        denied_types: BTreeSet::new(),
    };
    let e = db
        .share_case(
            ids[0],
            &CaseShare {
                with: agencies[2],
                agreement: "LLR ISA",
                reason: "x",
            },
            &fire_only,
            "tester",
            None,
            &entry("share_case"),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, safer_store::DbError::NotFound(_)), "{e:?}");

    // Every case has an incident and an action for its lead agency.
    for (id, (lead, _, _)) in ids.iter().zip(plan) {
        db.add_case_event(
            *id,
            &everything,
            &safer_store::db::NewEvent {
                kind: safer_domain::casework::chronology::EventKind::Incident,
                on: "2024-05-02".parse().unwrap(),
                text: "Stones thrown at the window".into(),
                risk: None,
                meeting: None,
                author: "tester".into(),
                agency_id: agencies[lead],
            },
            &entry("add_case_event"),
        )
        .await
        .unwrap();
        db.add_case_action(
            *id,
            &everything,
            &safer_store::db::NewCaseAction {
                agency_id: agencies[lead],
                owner: "Officer".into(),
                text: "Visit the victim".into(),
                due: "2024-05-20".parse().unwrap(),
                meeting: None,
            },
            "tester",
            &entry("add_case_action"),
        )
        .await
        .unwrap();
        db.add_case_group(
            *id,
            &everything,
            &safer_domain::casework::group::Group {
                name: "Street group".into(),
                description: "At the park".into(),
            },
            &[person],
            "tester",
            &entry("add_case_group"),
        )
        .await
        .unwrap();
        db.add_case_location(
            *id,
            &everything,
            &safer_domain::casework::location::Location {
                address: format!("{id} Example Road"),
                place: None,
            },
            "tester",
            &entry("add_case_location"),
        )
        .await
        .unwrap();
    }
    let all = db.cases(&everything).await.unwrap();
    assert_eq!(all.len(), 5);
    assert_eq!(all[0].people, [(person, CaseRole::Victim)]);
    // The SQL scope is the domain's rule, for every agency and restriction.
    let denials: [&[&str]; 3] = [&[], &["prevent"], &["prevent", "exploitation"]];
    for agency in agencies.iter().map(|a| Some(*a)).chain([None]) {
        for denied in denials {
            let scope = CaseScope {
                agency,
                denied_types: denied.iter().map(|s| (*s).to_owned()).collect(),
            };
            let expected: Vec<_> = all
                .iter()
                .filter(|c| {
                    scope.allows(&CaseFacts {
                        case_type: &c.case_type,
                        involved: &c.involved,
                        shared_with: &c.shared_with,
                    })
                })
                .map(|c| c.id)
                .collect();
            let got: Vec<_> = db
                .cases(&scope)
                .await
                .unwrap()
                .iter()
                .map(|c| c.id)
                .collect();
            assert_eq!(got, expected, "{scope:?}");
            assert_eq!(db.count_cases(&scope).await.unwrap(), expected.len() as u64);
            for id in &ids {
                let found = db.case_in_scope(*id, &scope).await;
                assert_eq!(found.is_ok(), expected.contains(id), "{id} {scope:?}");
            }
            // A case's chronology, actions and people follow the case.
            let mut of_events: Vec<_> = db
                .case_events(&scope, None)
                .await
                .unwrap()
                .iter()
                .filter(|e| e.event.kind == safer_domain::casework::chronology::EventKind::Incident)
                .map(|e| e.case_id)
                .collect();
            of_events.reverse();
            assert_eq!(of_events, expected, "{scope:?}");
            let mut of_actions: Vec<_> = db
                .case_actions(&scope, None)
                .await
                .unwrap()
                .iter()
                .map(|a| a.case_id)
                .collect();
            of_actions.sort_by(|a, b| b.cmp(a));
            assert_eq!(of_actions, expected, "{scope:?}");
            let groups = db.groups_in_scope(&scope, None, None).await.unwrap();
            assert_eq!(groups.len(), expected.len(), "{scope:?}");
            for (g, _, members) in &groups {
                assert_eq!(members, &[person], "{scope:?}");
                let of = db.cases_of_group(*g, &scope).await.unwrap();
                assert!(of.len() == 1 && expected.contains(&of[0]), "{scope:?}");
            }
            let places = db.locations_in_scope(&scope, None, None).await.unwrap();
            assert_eq!(places.len(), expected.len(), "{scope:?}");
            for (l, _) in &places {
                let at = db.cases_at(*l, &scope).await.unwrap();
                assert!(at.len() == 1 && expected.contains(&at[0]), "{scope:?}");
            }
            let people = db.people_in_scope(&scope, Some(person)).await.unwrap();
            assert_eq!(people.len(), usize::from(!expected.is_empty()), "{scope:?}");
            assert_eq!(
                db.cases_of_person(person, &scope).await.unwrap().len(),
                expected.len()
            );
        }
    }
    // Health sees its own case and the one shared with it.
    let health = CaseScope {
        agency: Some(agencies[3]),
        denied_types: BTreeSet::new(),
    };
    let seen: Vec<_> = db
        .cases(&health)
        .await
        .unwrap()
        .iter()
        .map(|c| c.case_type.clone())
        .collect();
    assert_eq!(seen, ["vulnerable_location", "prevent", "exploitation"]);
    // A case type that is not a code is refused.
    let bad = db
        .open_case(
            &NewCase {
                forum: "jag".into(),
                case_type: "asb,prevent".into(),
                title: "t".into(),
                risk: RiskLevel::Standard,
                lead_agency_id: agencies[0],
                involved: vec![],
                people: vec![],
                new_people: vec![],
                lead_officer: String::new(),
                reason: "r".into(),
                referred_on: "2024-05-01".parse().unwrap(),
                referrer_agency_id: agencies[0],
            },
            "tester",
            &entry("open_case"),
        )
        .await;
    assert!(matches!(bad, Err(safer_store::DbError::Conflict(_))));
});
