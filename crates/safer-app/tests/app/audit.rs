//! Every task writes its audit entry, and a failure to write it leaves no
//! change (fault injected on each backend).

use safer_app::{Actor, AppError, AssessmentQuery, digest};
use safer_domain::{ActionStatus, Role};

use crate::{FIRE, PLAN, Seeded, TestApp, apps, cleanup, police_uk_month, repo, seed};

/// Each change a partner can make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    AddAgency,
    AddUser,
    ResetPassword,
    DisableUser,
    EnableUser,
    UnlockUser,
    CreateToken,
    RevokeToken,
    ImportPlan,
    ImportPartnership,
    ImportPoliceUk,
    RecordValue,
    AddAction,
    EditAction,
    UpdateAction,
    SetAllocation,
    AddProject,
    RecordSpend,
    SignIn,
    SignOut,
    ReferCase,
    AddCaseEntry,
    AssessRisk,
    ShareCase,
    AddCaseAction,
    UpdateCaseAction,
    DecideReferral,
    AddMeeting,
    RecordDecision,
    CloseCase,
    RectifyPerson,
    MergePeople,
    DeleteCase,
    DeletePerson,
}

const CHANGES: [Change; 34] = [
    Change::AddAgency,
    Change::AddUser,
    Change::ResetPassword,
    Change::DisableUser,
    Change::EnableUser,
    Change::UnlockUser,
    Change::CreateToken,
    Change::RevokeToken,
    Change::ImportPlan,
    Change::ImportPartnership,
    Change::ImportPoliceUk,
    Change::RecordValue,
    Change::AddAction,
    Change::EditAction,
    Change::UpdateAction,
    Change::SetAllocation,
    Change::AddProject,
    Change::RecordSpend,
    Change::SignIn,
    Change::SignOut,
    Change::ReferCase,
    Change::AddCaseEntry,
    Change::AssessRisk,
    Change::ShareCase,
    Change::AddCaseAction,
    Change::UpdateCaseAction,
    Change::DecideReferral,
    Change::AddMeeting,
    Change::RecordDecision,
    Change::CloseCase,
    Change::RectifyPerson,
    Change::MergePeople,
    Change::DeleteCase,
    Change::DeletePerson,
];

/// What a change's audit entry must say: the action, who (as logged) and
/// the start of the target.
fn expected(c: Change, s: &Seeded) -> (&'static str, &'static str, String) {
    match c {
        Change::AddAgency => ("add_agency", "operator:tester", "agency Probation".into()),
        Change::AddUser => ("add_user", "operator:tester", "user newcomer".into()),
        Change::ResetPassword => ("reset_password", "operator:tester", "user reader".into()),
        Change::DisableUser => ("disable_user", "operator:tester", "user fire-lead".into()),
        Change::EnableUser => ("enable_user", "operator:tester", "user fire-lead".into()),
        Change::UnlockUser => ("unlock_user", "operator:tester", "user fire-lead".into()),
        Change::CreateToken => ("create_api_token", "operator:tester", "user analyst".into()),
        Change::RevokeToken => (
            "revoke_api_token",
            "operator:tester",
            format!("token {}", s.token),
        ),
        Change::ImportPlan => ("import_plan", "cso", format!("plan {PLAN}")),
        Change::ImportPartnership => ("import_partnership", "cso", "partnership charnwood".into()),
        Change::ImportPoliceUk => ("import_police_uk", "analyst", "police.uk".into()),
        Change::RecordValue => ("record_value", "cso", format!("measure {PLAN} p5-m1")),
        Change::AddAction => ("add_action", "jag", "action ".into()),
        Change::EditAction => ("edit_action", "jag", format!("action {}", s.police_action)),
        Change::UpdateAction => (
            "update_action",
            "police-lead",
            format!("action {}", s.police_action),
        ),
        Change::SetAllocation => ("set_allocation", "cso", "fund charnwood 2023/24".into()),
        Change::AddProject => ("add_project", "cso", "fund project ".into()),
        Change::RecordSpend => ("record_spend", "cso", format!("fund project {}", s.project)),
        Change::SignIn => ("sign_in", "jag", "sign-in".into()),
        Change::SignOut => ("sign_out", "jag", "sign-out".into()),
        Change::ReferCase => ("refer_case", "police-worker", "case".into()),
        Change::AddCaseEntry => (
            "add_case_entry",
            "police-worker",
            format!("case {}", s.open_case),
        ),
        Change::AssessRisk => (
            "assess_risk",
            "police-worker",
            format!("case {}", s.open_case),
        ),
        Change::ShareCase => (
            "share_case",
            "police-worker",
            format!("case {}", s.open_case),
        ),
        Change::AddCaseAction => (
            "add_case_action",
            "police-worker",
            format!("case {}", s.open_case),
        ),
        Change::UpdateCaseAction => (
            "update_case_action",
            "police-worker",
            format!("case action {}", s.case_action),
        ),
        Change::DecideReferral => (
            "decide_referral",
            "jag",
            format!("case {}", s.referred_case),
        ),
        Change::AddMeeting => ("add_meeting", "jag", "meeting".into()),
        Change::RecordDecision => ("record_decision", "jag", format!("case {}", s.open_case)),
        Change::CloseCase => ("close_case", "jag", format!("case {}", s.open_case)),
        Change::RectifyPerson => (
            "rectify_person",
            "police-worker",
            format!("person {}", s.open_person),
        ),
        Change::MergePeople => (
            "merge_people",
            "police-worker",
            format!("person {}", s.referred_person),
        ),
        Change::DeleteCase => ("delete_case", "jag", format!("case {}", s.declined_case)),
        Change::DeletePerson => ("delete_person", "jag", format!("person {}", s.open_person)),
    }
}

/// Makes the change, as the user who would.
async fn make(t: &TestApp, s: &Seeded, c: Change, session: &str) -> Result<(), AppError> {
    let app = &t.app;
    let op = Actor::operator("tester");
    match c {
        Change::AddAgency => app.add_agency(&op, "Probation", true).await.map(drop),
        Change::AddUser => app
            .add_user(
                &op,
                "newcomer",
                "New Comer",
                FIRE,
                &[Role::Caseworker],
                "another long password",
            )
            .await
            .map(drop),
        Change::ResetPassword => {
            app.reset_password(&op, "reader", "a new long password")
                .await
        }
        Change::DisableUser => app.disable_user(&op, "fire-lead").await,
        Change::EnableUser => app.enable_user(&op, "fire-lead").await,
        Change::UnlockUser => app.unlock_user(&op, "fire-lead").await,
        Change::CreateToken => app
            .create_token(&op, "analyst", "weekly", &["read".into()], 7)
            .await
            .map(drop),
        Change::RevokeToken => app.revoke_token(&op, s.token).await,
        Change::ImportPlan => app
            .import_plan(
                &t.cli("cso").await,
                &repo("examples/charnwood/plan-2020-23.toml"),
            )
            .await
            .map(drop),
        Change::ImportPartnership => app
            .import_partnership(
                &t.cli("cso").await,
                &repo("examples/charnwood/partnership.toml"),
            )
            .await
            .map(drop),
        Change::ImportPoliceUk => {
            let found = safer_app::import::discover(&[police_uk_month()])?;
            app.import_police_uk(
                &t.cli("analyst").await,
                found,
                false,
                std::sync::Arc::new(|_| {}),
            )
            .await
            .map(drop)
        }
        Change::RecordValue => {
            app.record_value(
                &t.cli("cso").await,
                PLAN,
                "p5-m1",
                "2022-Q1".parse().unwrap(),
                88.0,
                "survey",
            )
            .await
        }
        Change::AddAction => {
            let mut a = crate::scope::action_entry(FIRE);
            a.key_action = "Fire safety visits".into();
            app.add_action(&t.cli("jag").await, &a).await.map(drop)
        }
        Change::EditAction => {
            let mut a = crate::scope::action_entry(crate::POLICE);
            a.key_action = "Patrols, with the night-time economy".into();
            app.edit_action(&t.cli("jag").await, s.police_action, &a)
                .await
        }
        Change::UpdateAction => {
            app.update_action(
                &t.web("police-lead").await,
                s.police_action,
                ActionStatus::OnTrack,
                "Six patrols done",
                None,
            )
            .await
        }
        Change::SetAllocation => {
            app.set_allocation(
                &t.cli("cso").await,
                "charnwood",
                "2023/24".parse().unwrap(),
                4_100_000,
                "PCC Locality Fund",
            )
            .await
        }
        Change::AddProject => {
            let mut p = crate::scope::project_entry();
            p.name = "Street pastors".into();
            app.add_project(&t.cli("cso").await, &p).await.map(drop)
        }
        Change::RecordSpend => {
            app.record_spend(&t.cli("cso").await, s.project, 2, 12_345, "invoice 7")
                .await
        }
        Change::SignIn => match app
            .sign_in("192.0.2.7", "jag", "a long test password", None, 3600)
            .await?
        {
            Ok(_) => Ok(()),
            Err(refused) => Err(AppError::Refused(format!("{refused:?}"))),
        },
        Change::SignOut => {
            app.sign_out(&t.web("jag").await, Some(&digest(session)))
                .await
        }
        Change::ReferCase => {
            let worker = t.web("police-worker").await;
            let r = safer_app::casework::Referral {
                referred_on: None,
                forum: "jag".into(),
                case_type: "asb".into(),
                title: "Shouting in the street".into(),
                risk: safer_domain::casework::case::RiskLevel::Standard,
                lead_agency: None,
                lead_officer: String::new(),
                involved: vec![],
                reason: "Reported twice".into(),
                people: vec![(
                    safer_app::casework::PersonOnReferral::New(
                        safer_domain::casework::person::Person {
                            name: "New Person".into(),
                            aliases: vec![],
                            birth: safer_domain::casework::person::Birth::Unknown,
                            address: None,
                            vulnerabilities: Default::default(),
                        },
                    ),
                    safer_domain::casework::case::CaseRole::Victim,
                )],
            };
            app.refer_case(&worker, &r).await.map(drop)
        }
        Change::AddCaseEntry => {
            app.add_case_entry(
                &t.web("police-worker").await,
                s.open_case,
                safer_domain::casework::chronology::EventKind::Incident,
                None,
                "Stones thrown",
            )
            .await
        }
        Change::AssessRisk => app
            .assess_risk(
                &t.web("police-worker").await,
                s.open_case,
                &["targeted".to_owned()].into(),
                None,
                "",
            )
            .await
            .map(drop),
        Change::ShareCase => {
            let fire = app.agency_named(FIRE).await?.expect("fire").id;
            app.share_case(
                &t.web("police-worker").await,
                s.open_case,
                fire,
                "Consent of the person",
                "Fire safety visit",
            )
            .await
        }
        Change::AddCaseAction => {
            let police = app.agency_named(crate::POLICE).await?.expect("police").id;
            app.add_case_action(
                &t.web("police-worker").await,
                s.open_case,
                &safer_app::casework::CaseActionEntry {
                    agency: police,
                    owner: "PC Example".into(),
                    text: "Patrol".into(),
                    due: "2030-01-01".parse().unwrap(),
                    meeting: None,
                },
            )
            .await
            .map(drop)
        }
        Change::UpdateCaseAction => app
            .update_case_action(
                &t.web("police-worker").await,
                s.case_action,
                safer_domain::casework::case_action::CaseActionStatus::Done,
                "Visited",
            )
            .await
            .map(drop),
        Change::DecideReferral => {
            app.decide_referral(&t.web("jag").await, s.referred_case, true, "")
                .await
        }
        Change::AddMeeting => app
            .add_meeting(
                &t.web("jag").await,
                "jag",
                "2024-06-12".parse().unwrap(),
                "Chair",
                &[],
            )
            .await
            .map(drop),
        Change::RecordDecision => {
            app.record_decision(&t.web("jag").await, s.meeting, s.open_case, "Visit agreed")
                .await
        }
        Change::CloseCase => {
            app.close_case(&t.web("jag").await, s.open_case, "Resolved")
                .await
        }
        Change::RectifyPerson => {
            let p = safer_domain::casework::person::Person {
                name: "Graffiti victim (corrected)".into(),
                aliases: vec![],
                birth: safer_domain::casework::person::Birth::Unknown,
                address: None,
                vulnerabilities: Default::default(),
            };
            app.rectify_person(
                &t.web("police-worker").await,
                s.open_person,
                &p,
                "Name misspelt",
            )
            .await
        }
        Change::MergePeople => app
            .merge_people(
                &t.web("police-worker").await,
                s.referred_person,
                s.open_person,
                "The same neighbour",
            )
            .await
            .map(drop),
        Change::DeleteCase => app
            .delete_case(
                &t.web("jag").await,
                s.declined_case,
                "Retention period ended",
            )
            .await
            .map(drop),
        Change::DeletePerson => {
            app.delete_person(&t.web("jag").await, s.open_person, "Erasure request")
                .await
        }
    }
}

/// A session for `jag`, for the sign-out.
async fn session(t: &TestApp) -> String {
    match t
        .app
        .sign_in("192.0.2.7", "jag", "a long test password", None, 3600)
        .await
        .unwrap()
    {
        Ok(s) => s.session_token,
        Err(e) => panic!("{e:?}"),
    }
}

#[tokio::test]
async fn every_change_writes_its_audit_entry() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let s = seed(t).await;
        let token = session(t).await;
        for c in CHANGES {
            let before = t.db().audit_log(100_000).await.unwrap().len();
            make(t, &s, c, &token)
                .await
                .unwrap_or_else(|e| panic!("[{b}] {c:?}: {e}"));
            let log = t.db().audit_log(100_000).await.unwrap();
            let (action, actor, target) = expected(c, &s);
            let new = &log[..log.len() - before];
            assert!(
                new.iter().any(|e| e.action == action
                    && e.actor == actor
                    && e.target.starts_with(&target)),
                "[{b}] {c:?} wrote {new:#?}"
            );
            // Where it came from: the channel and the address or login.
            let e = new.iter().find(|e| e.action == action).unwrap();
            assert!(
                e.source.starts_with("command line ") || e.source.starts_with("web "),
                "[{b}] {c:?}: {}",
                e.source
            );
        }
        let v = t.db().verify_audit().await.unwrap();
        assert_eq!(v.first_broken, None, "[{b}]");
    }
    cleanup(all).await;
}

/// Everything a change could touch, as text to compare.
async fn state(t: &TestApp) -> String {
    let db = t.db();
    let mut out = String::new();
    out += &format!("{:?}\n", db.plans().await.unwrap());
    out += &format!("{:?}\n", db.plan(PLAN).await.unwrap());
    out += &format!("{:?}\n", db.actions(PLAN).await.unwrap());
    out += &format!("{:?}\n", db.values(PLAN, "p5-m1").await.unwrap());
    for y in ["2022/23", "2023/24"] {
        out += &format!(
            "{:?}\n",
            db.fund("charnwood", y.parse().unwrap()).await.ok()
        );
    }
    out += &format!("{:?}\n", db.agencies().await.unwrap());
    out += &format!("{:?}\n", db.users().await.unwrap());
    for u in ["jag", "reader", "police-lead", "fire-lead"] {
        let s = db.login_state_by_username(u).await.unwrap().unwrap();
        out += &format!(
            "{u} {} {} {}\n",
            s.password_hash, s.failed_logins, s.locked_until
        );
    }
    out += &format!("{:?}\n", db.api_tokens().await.unwrap());
    out += &format!("{:?}\n", t.app.partnerships().unwrap());
    out += &format!("{:?}\n", t.app.holdings().ok());
    let all = safer_domain::casework::access::CaseScope {
        agency: None,
        denied_types: Default::default(),
    };
    out += &format!("{:?}\n", db.cases(&all).await.unwrap());
    out += &format!("{:?}\n", db.case_events(&all, None).await.unwrap());
    out += &format!("{:?}\n", db.case_actions(&all, None).await.unwrap());
    out += &format!("{:?}\n", db.people_in_scope(&all, None).await.unwrap());
    out += &format!("{:?}\n", db.meetings(None).await.unwrap());
    for (p, _) in db.people_in_scope(&all, None).await.unwrap() {
        out += &format!("{:?}\n", db.person_history(p, &all).await.unwrap());
        out += &format!("{:?}\n", db.merges_into(p, &all).await.unwrap());
    }
    out += &format!("{}\n", db.verify_audit().await.unwrap().entries);
    out
}

#[tokio::test]
async fn a_change_whose_audit_entry_cannot_be_written_is_not_kept() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let s = seed(t).await;
        let token = session(t).await;
        let before = state(t).await;
        t.db().inject_audit_fault().await.unwrap();
        for c in CHANGES {
            let r = make(t, &s, c, &token).await;
            assert!(
                matches!(r, Err(AppError::Internal(_))),
                "[{b}] {c:?} was made without its audit entry: {r:?}"
            );
        }
        assert_eq!(state(t).await, before, "[{b}]");
        // The session the sign-out could not end still lives.
        assert!(
            t.db().session(&digest(&token)).await.unwrap().is_some(),
            "[{b}]"
        );
    }
    cleanup(all).await;
}

/// An export or a view of personal data whose audit entry cannot be
/// written is not given.
#[tokio::test]
async fn nothing_is_exported_or_shown_unaudited() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let _ = seed(t).await;
        let analyst = t.cli("analyst").await;
        let found = safer_app::import::discover(&[police_uk_month()]).unwrap();
        t.app
            .import_police_uk(&analyst, found, false, std::sync::Arc::new(|_| {}))
            .await
            .unwrap();
        let q = AssessmentQuery {
            district: Some("Charnwood".into()),
            year: Some("2021/22".parse().unwrap()),
            as_at: None,
        };
        let op = Actor::operator("tester");
        let cso = t.cli("cso").await;
        let year = "2022/23".parse().unwrap();
        // Audited when all is well …
        let n = t.db().audit_log(100_000).await.unwrap().len();
        t.app.users(&op).await.unwrap();
        t.app.audit_log(&op, 10).await.unwrap();
        t.app.export_audit_log(&op, 10).await.unwrap();
        t.app
            .fund_return(&cso, "charnwood", year, 2, 0.1)
            .await
            .unwrap();
        t.app
            .assessment_table(&analyst, &q, "categories.csv")
            .await
            .unwrap();
        let log = t.db().audit_log(100_000).await.unwrap();
        let new: Vec<(&str, &str)> = log[..log.len() - n]
            .iter()
            .rev()
            .map(|e| (e.action.as_str(), e.target.as_str()))
            .collect();
        assert_eq!(
            new,
            [
                ("view", "users"),
                ("view", "audit log"),
                ("export", "audit log"),
                ("export", "fund return charnwood 2022/23 Q2"),
                ("export", "assessment Charnwood 2021/22 categories.csv"),
            ],
            "[{b}]"
        );
        // … and refused when the entry cannot be written.
        t.db().inject_audit_fault().await.unwrap();
        assert!(t.app.users(&op).await.is_err(), "[{b}]");
        assert!(t.app.audit_log(&op, 10).await.is_err(), "[{b}]");
        assert!(t.app.export_audit_log(&op, 10).await.is_err(), "[{b}]");
        assert!(
            t.app
                .fund_return(&cso, "charnwood", year, 2, 0.1)
                .await
                .is_err(),
            "[{b}]"
        );
        assert!(
            t.app
                .assessment_table(&analyst, &q, "categories.csv")
                .await
                .is_err(),
            "[{b}]"
        );
    }
    cleanup(all).await;
}

/// Changes made at the command line are logged with the user named by
/// `--by`, their agency, and the login that ran the command.
#[tokio::test]
async fn command_line_changes_are_logged_with_the_real_user() {
    let all = apps().await;
    for t in &all {
        let s = seed(t).await;
        let log = t.db().audit_log(100_000).await.unwrap();
        let add = log
            .iter()
            .find(|e| e.action == "add_action" && e.target == format!("action {}", s.fire_action))
            .expect("the action's entry");
        assert_eq!(
            (add.actor.as_str(), add.agency.as_str(), add.source.as_str()),
            ("jag", crate::COUNCIL, "command line tester"),
            "[{}]",
            t.backend
        );
        // An unknown name is refused before anything is done.
        let e = t
            .app
            .command_line_actor("nobody", "tester")
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Refused(_)), "{e}");
    }
    cleanup(all).await;
}
