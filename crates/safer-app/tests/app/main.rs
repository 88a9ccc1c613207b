//! The tasks of the application layer, on SQLite and, when
//! `SAFER_TEST_POSTGRES` names a server, PostgreSQL: each task writes its
//! audit entry; a change whose entry cannot be written is not kept; an
//! export whose entry cannot be written is not given; records outside the
//! actor's scope are not found; and time comes from the app's clock.

mod audit;
mod cache;
mod casework;
mod clock;
mod scope;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use safer_app::{
    ActionEntry, Actor, App, AppConfig, Channel, FixedClock, FundEntry, PasswordCost, Timestamp,
};
use safer_domain::{ActionId, Aim, ProjectId, Role, TokenId, User};
use safer_store::Database;

/// 2023-05-10T09:00:00Z: a Wednesday in the first quarter of 2023/24.
pub const START: i64 = 1_683_709_200;

/// An application over a fresh database, with a clock the test moves.
pub struct TestApp {
    pub app: App,
    pub clock: Arc<FixedClock>,
    pub backend: &'static str,
    _dir: tempfile::TempDir,
    drop_pg: Option<(String, String)>,
}

impl TestApp {
    pub fn db(&self) -> &Database {
        self.app.database_for_tests()
    }

    /// The user named, acting from the command line.
    pub async fn cli(&self, username: &str) -> Actor {
        self.app
            .command_line_actor(username, "tester")
            .await
            .expect("a seeded user")
    }

    /// The user named, acting from a web page.
    pub async fn web(&self, username: &str) -> Actor {
        let user: User = self.app.user_named(username).await.expect("a seeded user");
        Actor::user(user, Channel::Page, "192.0.2.7")
    }
}

/// One fresh application per configured backend.
pub async fn apps() -> Vec<TestApp> {
    let mut out = Vec::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Database::connect(&Database::sqlite_url(dir.path()))
        .await
        .expect("sqlite");
    out.push(make(db, dir, "sqlite", None));
    if let Some(admin) = postgres_admin() {
        let (url, name) = Database::scratch_postgres(&admin, "safer_app_test")
            .await
            .expect("a scratch PostgreSQL database");
        let db = Database::connect(&url).await.expect("postgres");
        out.push(make(
            db,
            tempfile::tempdir().expect("tempdir"),
            "postgres",
            Some((admin, name)),
        ));
    }
    out
}

fn make(
    db: Database,
    dir: tempfile::TempDir,
    backend: &'static str,
    drop_pg: Option<(String, String)>,
) -> TestApp {
    let clock = Arc::new(FixedClock::at(Timestamp::from_unix_seconds(START)));
    let app = App::with_database(
        db,
        &dir.path().join("data"),
        clock.clone(),
        AppConfig {
            password_cost: PasswordCost::FastForTests,
            ..AppConfig::default()
        },
    )
    .expect("the app");
    TestApp {
        app,
        clock,
        backend,
        _dir: dir,
        drop_pg,
    }
}

pub async fn cleanup(apps: Vec<TestApp>) {
    for t in apps {
        t.app.close().await;
        if let Some((admin, name)) = t.drop_pg {
            Database::drop_postgres(&admin, &name)
                .await
                .expect("drop the test database");
        }
    }
}

pub const COUNCIL: &str = "Charnwood Borough Council";
pub const POLICE: &str = "Leicestershire Police";
pub const FIRE: &str = "Leicestershire Fire and Rescue Service";
pub const PLAN: &str = "charnwood-2020-23";

pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

/// One month of real police.uk data (Charnwood's records of January 2022).
pub fn police_uk_month() -> PathBuf {
    let p = repo(
        "../shared/data/police-uk/leicestershire/street-charnwood-only/2022-01-leicestershire-street.csv",
    );
    assert!(p.is_file(), "{} is missing", p.display());
    p
}

/// The ids a seeded application holds.
pub struct Seeded {
    pub police_action: ActionId,
    pub fire_action: ActionId,
    pub project: ProjectId,
    pub token: TokenId,
    /// A referral by the police's caseworker, awaiting the JAG.
    pub referred_case: safer_domain::CaseId,
    /// A case the JAG accepted, with an action the police own.
    pub open_case: safer_domain::CaseId,
    pub case_action: safer_domain::CaseActionId,
    pub meeting: safer_domain::MeetingId,
    /// A referral the JAG declined.
    pub declined_case: safer_domain::CaseId,
    /// The victims on `referred_case` and `open_case`.
    pub referred_person: safer_domain::PersonId,
    pub open_person: safer_domain::PersonId,
}

/// Agencies, one user per role, the 2020–23 plan, two actions (one led by
/// the police, one by the fire service), the 2022/23 fund with a project,
/// and an API token: made by the operator and by users, as in real use.
pub async fn seed(t: &TestApp) -> Seeded {
    let app = &t.app;
    let op = Actor::operator("tester");
    for (name, statutory) in [(COUNCIL, true), (POLICE, true), (FIRE, true)] {
        app.add_agency(&op, name, statutory).await.expect("agency");
    }
    for (username, agency, roles) in [
        ("admin", COUNCIL, vec![Role::Administrator]),
        ("analyst", COUNCIL, vec![Role::Analyst]),
        ("cso", COUNCIL, vec![Role::CommunitySafetyOfficer]),
        ("jag", COUNCIL, vec![Role::JagCoordinator]),
        ("police-lead", POLICE, vec![Role::AgencyLead]),
        ("fire-lead", FIRE, vec![Role::AgencyLead]),
        ("reader", FIRE, vec![Role::ReadOnlyPartner]),
        ("police-worker", POLICE, vec![Role::Caseworker]),
    ] {
        app.add_user(
            &op,
            username,
            username,
            agency,
            &roles,
            "a long test password",
        )
        .await
        .expect("user");
    }
    let cso = t.cli("cso").await;
    app.import_plan(&cso, &repo("examples/charnwood/plan-2020-23.toml"))
        .await
        .expect("plan");
    let jag = t.cli("jag").await;
    let action = |lead: &str| ActionEntry {
        plan_id: PLAN.into(),
        priority_id: "p1".into(),
        aim: Aim::Enforcement,
        key_action: format!("Patrols led by {lead}"),
        lead_agency: lead.into(),
        start: "2022-04-01".parse().unwrap(),
        due: "2023-06-30".parse().unwrap(),
        financial_implications: String::new(),
        resource_implications: "Officer time".into(),
        outcome_target: "Twelve patrols".into(),
        measure_id: None,
    };
    let police_action = app.add_action(&jag, &action(POLICE)).await.expect("action");
    let fire_action = app.add_action(&jag, &action(FIRE)).await.expect("action");
    let year = "2022/23".parse().unwrap();
    app.set_allocation(&cso, "charnwood", year, 4_000_000, "PCC Locality Fund")
        .await
        .expect("allocation");
    let project = app
        .add_project(
            &cso,
            &FundEntry {
                partnership: "charnwood".into(),
                year,
                name: "Shop watch".into(),
                lead_agency: COUNCIL.into(),
                budget_pence: 800_000,
                plan_id: PLAN.into(),
                priority_id: "p1".into(),
                action_id: None,
            },
        )
        .await
        .expect("project");
    let (token, _) = app
        .create_token(&op, "analyst", "nightly", &["read".into()], 30)
        .await
        .expect("token");
    let worker = t.web("police-worker").await;
    let referral = |title: &str| safer_app::casework::Referral {
        referred_on: None,
        forum: "jag".into(),
        case_type: "asb".into(),
        title: title.into(),
        risk: safer_domain::casework::case::RiskLevel::Medium,
        lead_agency: None,
        lead_officer: "PC Example".into(),
        involved: vec![],
        reason: "Repeated ASB".into(),
        people: vec![(
            safer_app::casework::PersonOnReferral::New(safer_domain::casework::person::Person {
                name: format!("{title} victim"),
                aliases: vec![],
                birth: safer_domain::casework::person::Birth::Unknown,
                address: None,
                vulnerabilities: Default::default(),
            }),
            safer_domain::casework::case::CaseRole::Victim,
        )],
    };
    let referred_case = app
        .refer_case(&worker, &referral("Noise"))
        .await
        .expect("case");
    let open_case = app
        .refer_case(&worker, &referral("Graffiti"))
        .await
        .expect("case");
    let jag_web = t.web("jag").await;
    app.decide_referral(&jag_web, open_case, true, "")
        .await
        .expect("accept");
    let police_id = app.agency_named(POLICE).await.unwrap().unwrap().id;
    let case_action = app
        .add_case_action(
            &worker,
            open_case,
            &safer_app::casework::CaseActionEntry {
                agency: police_id,
                owner: "PC Example".into(),
                text: "Visit".into(),
                due: "2030-01-01".parse().unwrap(),
                meeting: None,
            },
        )
        .await
        .expect("case action");
    let meeting = app
        .add_meeting(
            &jag_web,
            "jag",
            "2024-05-01".parse().unwrap(),
            "Chair",
            &[police_id],
        )
        .await
        .expect("meeting");
    let declined_case = app
        .refer_case(&worker, &referral("Litter"))
        .await
        .expect("case");
    app.decide_referral(&jag_web, declined_case, false, "Not for the JAG")
        .await
        .expect("decline");
    let referred_person = app
        .case(&jag_web, referred_case)
        .await
        .expect("case")
        .people[0]
        .id;
    let open_person = app.case(&jag_web, open_case).await.expect("case").people[0].id;
    Seeded {
        declined_case,
        referred_person,
        open_person,
        referred_case,
        open_case,
        case_action,
        meeting,
        police_action,
        fire_action,
        project,
        token,
    }
}

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
