//! A running application per test: a fresh database (SQLite always, and a
//! fresh PostgreSQL database too when `SAFER_TEST_POSTGRES` names a server),
//! an agency and a user for every role, the Charnwood partnership and plan,
//! two actions, a fund, and a few months of the real police.uk data.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use reqwest::StatusCode;
use safer_app::{AppConfig, FixedClock, PasswordCost, Timestamp};
use safer_domain::{Aim, Role};
use safer_store::db::{AuditEntry, NewAction, NewProject};
use safer_store::{DataDir, Database, StoredPartnership};
use safer_web::WebConfig;

/// How a test wants its application.
#[derive(Clone, Copy)]
pub struct Options {
    /// Import the police.uk months, the partnership and the plan (the
    /// users, agencies and actions are always there).
    pub data: bool,
    pub session_idle_secs: i64,
    pub secure_cookies: bool,
    /// `--trusted-proxy`: the test client connects from 127.0.0.1.
    pub trusted_proxies: &'static str,
    pub header_read_timeout: std::time::Duration,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            data: true,
            session_idle_secs: 1800,
            secure_cookies: false,
            trusted_proxies: "",
            header_read_timeout: std::time::Duration::from_secs(30),
        }
    }
}

/// The ids the seed created, for filling in path parameters.
#[derive(Debug, Clone)]
pub struct Ids {
    pub plan: String,
    pub partnership: String,
    /// `2022-23`, as fund URLs write years.
    pub year: String,
    /// Led by the agency lead's own agency.
    pub own_action: safer_domain::ActionId,
    /// Led by another agency.
    pub other_action: safer_domain::ActionId,
    /// The cases of the need-to-know tests, by the relation of the
    /// caseworker's, agency lead's and safety officer's agencies to them.
    pub cases: Cases,
    /// A Community Trigger application the caseworker's agency leads.
    pub trigger: safer_domain::TriggerId,
    /// A Domestic Homicide Review whose panel is the safety officer alone.
    pub dhr: safer_domain::DhrId,
}

/// One case of each relation, with its person (named after it, so a
/// body that mentions them is found) and, on the involved case, an action
/// the caseworker's agency owns; and a JAG meeting with a decision on each.
#[derive(Debug, Clone)]
pub struct Cases {
    /// The caseworker's agency leads; the agency lead's and the safety
    /// officer's are involved.
    pub involved: (safer_domain::CaseId, safer_domain::PersonId),
    /// Only the read-only partner's agency is involved.
    pub uninvolved: (safer_domain::CaseId, safer_domain::PersonId),
    /// The analyst's agency leads and shares it with the caseworker's,
    /// the agency lead's and the safety officer's.
    pub shared: (safer_domain::CaseId, safer_domain::PersonId),
    /// A Prevent case, restricted to named roles (coordinators and
    /// caseworkers), involving the same agencies as `involved`.
    pub restricted: (safer_domain::CaseId, safer_domain::PersonId),
    pub action: safer_domain::CaseActionId,
    pub meeting: safer_domain::MeetingId,
    /// A location on each case, in the order above.
    pub locations: Vec<safer_domain::LocationId>,
    /// A group on each case, its person a member, in the order above.
    pub groups: Vec<safer_domain::GroupId>,
}

impl Cases {
    /// The name of the person on each case, and its title.
    pub const NAMES: [(&'static str, &'static str); 4] = [
        ("Alex Involved", "Rubbish dumped at 4 Elm Road"),
        ("Billie Uninvolved", "Noise from 9 Ash Close"),
        ("Casey Shared", "Threats at the Oak Parade shops"),
        ("Drew Restricted", "Concern about online radicalisation"),
    ];
}

pub struct App {
    pub addr: SocketAddr,
    pub db: Database,
    /// The application's clock, which a test may move on.
    pub clock: std::sync::Arc<FixedClock>,
    pub ids: Ids,
    pub backend: &'static str,
    pub data_dir: PathBuf,
    server: tokio::task::JoinHandle<()>,
    _dirs: Vec<tempfile::TempDir>,
    drop_pg: Option<(String, String)>,
}

/// The agency of a role's user.
pub fn agency_of(role: Role) -> String {
    format!("{} agency", role.label())
}

pub fn password_of(role: Role) -> String {
    format!("the password of {}", role.as_str())
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The police.uk months imported: April–June of 2022 and of 2023.
const MONTHS: [&str; 6] = [
    "2022-04", "2022-05", "2022-06", "2023-04", "2023-05", "2023-06",
];

pub fn police_uk_file(month: &str) -> PathBuf {
    let p = repo().join(format!(
        "../shared/data/police-uk/leicestershire/street-charnwood-only/{month}-leicestershire-street.csv"
    ));
    assert!(
        p.is_file(),
        "{} is missing; the shared data sits beside the repository",
        p.display()
    );
    p
}

/// The data directory with the partnership and the months, built once per
/// test process and copied into each application's own folder.
fn template() -> &'static Path {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"));
        // Folders left by test processes that have ended.
        if let Ok(read) = std::fs::read_dir(root) {
            for e in read.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if let Some(pid) = name
                    .strip_prefix("safer-web-template-")
                    .and_then(|p| p.parse::<u32>().ok())
                    && !Path::new(&format!("/proc/{pid}")).exists()
                {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        let dir = root.join(format!("safer-web-template-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let data = DataDir::open(&dir).expect("data dir");
        let loaded =
            safer_ingest::config::load(&repo().join("examples/charnwood/partnership.toml"))
                .expect("the example partnership loads");
        data.save_partnership(&StoredPartnership {
            partnership: loaded.partnership,
            beats: loaded.beats,
        })
        .expect("save the partnership");
        let store = data.crimes().expect("crime store");
        let staging = store.begin().expect("staging");
        let mut staged = Vec::new();
        for m in MONTHS {
            let path = police_uk_file(m);
            let (table, _) = safer_ingest::police_uk::read_file(&path).expect("parse");
            staged.push(staging.write(&table, &path).expect("stage"));
        }
        staging.commit(staged).expect("commit");
        dir
    })
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

/// A fresh database on each configured backend.
async fn databases() -> Vec<(
    Database,
    &'static str,
    Option<tempfile::TempDir>,
    Option<(String, String)>,
)> {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = Database::sqlite_url(dir.path());
    let mut out = vec![(
        Database::connect(&url).await.expect("sqlite"),
        "sqlite",
        Some(dir),
        None,
    )];
    if let Some(admin) = postgres_admin() {
        let (url, name) = Database::scratch_postgres(&admin, "safer_webtest")
            .await
            .expect("a scratch PostgreSQL database");
        out.push((
            Database::connect(&url).await.expect("postgres"),
            "postgres",
            None,
            Some((admin, name)),
        ));
    }
    out
}

/// The audit entry of what the seed writes.
pub fn seeded() -> AuditEntry {
    AuditEntry {
        actor: "test".into(),
        agency: String::new(),
        action: "seed".into(),
        target: String::new(),
        detail: String::new(),
        source: "test".into(),
    }
}

/// Agencies, users, the plan, actions and the fund.
async fn seed(db: &Database) -> Ids {
    let mut agency_ids = std::collections::HashMap::new();
    for role in Role::ALL {
        let agency = db
            .add_agency(&agency_of(role), role != Role::ReadOnlyPartner, &seeded())
            .await
            .expect("agency");
        agency_ids.insert(agency_of(role), agency);
        let hash =
            safer_app::hash_password(&password_of(role), PasswordCost::FastForTests).expect("hash");
        db.add_user(
            role.as_str(),
            &format!("{} user", role.label()),
            agency,
            &[role],
            &hash,
            &seeded(),
        )
        .await
        .expect("user");
    }
    // A user no test signs in as, for the administration routes to change.
    let spare = agency_ids[&agency_of(Role::ReadOnlyPartner)];
    db.add_user(
        "spare",
        "Spare user",
        spare,
        &[Role::ReadOnlyPartner],
        "x",
        &seeded(),
    )
    .await
    .expect("user");
    let groups = vec!["Serious acquisitive crime".to_owned()];
    let plan = safer_ingest::plan::load(
        &repo().join("examples/charnwood/plan-2020-23.toml"),
        &groups,
    )
    .expect("the example plan loads");
    db.save_plan(&plan, "test", &seeded())
        .await
        .expect("save plan");
    let priority = plan.priorities[0].id.clone();
    let action = |lead: String, key: &str| NewAction {
        plan_id: plan.id.clone(),
        priority_id: priority.clone(),
        aim: Aim::Prevention,
        key_action: key.into(),
        lead_agency_id: agency_ids[&lead],
        start: "2022-04-01".parse().expect("date"),
        due: "2022-09-30".parse().expect("date"),
        financial_implications: String::new(),
        resource_implications: "Officer time".into(),
        outcome_target: "Four events".into(),
        measure_id: None,
    };
    let own_action = db
        .add_action(
            &action(agency_of(Role::AgencyLead), "Run four awareness events"),
            "test",
            &seeded(),
        )
        .await
        .expect("action");
    let other_action = db
        .add_action(
            &action(agency_of(Role::Caseworker), "Patrol the town centre"),
            "test",
            &seeded(),
        )
        .await
        .expect("action");
    let year = "2022/23".parse().expect("year");
    db.set_allocation("charnwood", year, 5_000_000, "PCC grant 2022/23", &seeded())
        .await
        .expect("allocation");
    let project = db
        .add_project(
            &NewProject {
                partnership: "charnwood".into(),
                year,
                name: "Diversionary football".into(),
                lead_agency_id: agency_ids[&agency_of(Role::AgencyLead)],
                budget_pence: 1_200_000,
                plan_id: plan.id.clone(),
                priority_id: priority,
                action_id: Some(own_action),
            },
            &seeded(),
        )
        .await
        .expect("project");
    db.record_spend(project, 1, 250_000, "first quarter", "test", &seeded())
        .await
        .expect("spend");
    let cases = seed_cases(db, &agency_ids).await;
    let day: safer_domain::Date = "2024-05-01".parse().expect("day");
    let (trigger, _) = db
        .add_trigger(
            &safer_store::db::NewTrigger {
                received_on: day,
                channel: safer_store::db::TriggerChannel::Staff,
                applicant_name: "Erin Applicant".into(),
                applicant_contact: "erin@example.org".into(),
                victim_name: None,
                relationship: None,
                consent: true,
                address: "2 Birch Walk".into(),
                behaviour: "Shouting and stones at the windows".into(),
                no_effective_action: true,
                youth: true,
            },
            &[],
            "test",
            &seeded(),
        )
        .await
        .expect("application");
    db.update_trigger(
        trigger,
        safer_store::db::TriggerReader::All,
        &safer_store::db::TriggerChange::Lead(agency_ids[&agency_of(Role::Caseworker)]),
        &seeded(),
    )
    .await
    .expect("lead");
    let officer = db
        .users()
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.username == Role::CommunitySafetyOfficer.as_str())
        .expect("the safety officer")
        .id;
    let (dhr, _) = db
        .add_dhr(
            &safer_store::db::NewDhr {
                pseudonym: "Adult F".into(),
                age: Some(44),
                died_on: Some(day),
                circumstances: "Found at home".into(),
                notified_on: day,
                notified_by: "DI Example, Leicestershire Police".into(),
                chair: String::new(),
            },
            &[officer],
            "test",
            &seeded(),
        )
        .await
        .expect("review");
    Ids {
        trigger,
        dhr,
        plan: plan.id,
        partnership: "charnwood".into(),
        year: "2022-23".into(),
        own_action,
        other_action,
        cases,
    }
}

async fn seed_cases(
    db: &Database,
    agency_ids: &std::collections::HashMap<String, safer_domain::AgencyId>,
) -> Cases {
    use safer_domain::casework::access::CaseScope;
    use safer_domain::casework::case::{CaseRole, RiskLevel};
    use safer_domain::casework::person::{Birth, Person};
    use safer_store::db::{CaseShare, NewCase, NewCaseAction, NewEvent};
    let a = |r: Role| agency_ids[&agency_of(r)];
    let everything = CaseScope {
        agency: None,
        denied_types: Default::default(),
    };
    let plan: [(&str, Role, &[Role]); 4] = [
        (
            "asb",
            Role::Caseworker,
            &[Role::AgencyLead, Role::CommunitySafetyOfficer],
        ),
        ("asb", Role::ReadOnlyPartner, &[]),
        ("hate", Role::Analyst, &[]),
        (
            "prevent",
            Role::Caseworker,
            &[Role::AgencyLead, Role::CommunitySafetyOfficer],
        ),
    ];
    let today = safer_domain::Date::from_unix_seconds(safer_store::db::unix_now()).expect("today");
    let mut made = Vec::new();
    for ((case_type, lead, others), (name, title)) in plan.into_iter().zip(Cases::NAMES) {
        let person = db
            .add_person(
                &Person {
                    name: name.into(),
                    aliases: vec![],
                    birth: Birth::AgeBand { from: 30, to: 39 },
                    address: Some(format!("{title} address")),
                    vulnerabilities: Default::default(),
                },
                "test",
                &seeded(),
            )
            .await
            .expect("person");
        let case = db
            .open_case(
                &NewCase {
                    forum: "jag".into(),
                    case_type: case_type.into(),
                    title: title.into(),
                    risk: RiskLevel::High,
                    lead_agency_id: a(lead),
                    lead_officer: "PC Lead".into(),
                    involved: others.iter().map(|r| a(*r)).collect(),
                    people: vec![(person, CaseRole::Victim)],
                    new_people: vec![],
                    reason: format!("{title}: referred"),
                    referred_on: today.plus_days(-60).expect("date"),
                    referrer_agency_id: a(lead),
                },
                "test",
                &seeded(),
            )
            .await
            .expect("case");
        made.push((case, person));
    }
    for r in [
        Role::Caseworker,
        Role::AgencyLead,
        Role::CommunitySafetyOfficer,
    ] {
        db.share_case(
            made[2].0,
            &CaseShare {
                with: a(r),
                agreement: "Crime and Disorder Act 1998, section 115",
                reason: "The victim is known to the agency",
            },
            &everything,
            "test",
            None,
            &seeded(),
        )
        .await
        .expect("share");
    }
    let meeting = db
        .add_meeting(
            "jag",
            today,
            "Chair Person",
            &[a(Role::Caseworker), a(Role::JagCoordinator)],
            "test",
            &seeded(),
        )
        .await
        .expect("meeting");
    for (case, _) in &made {
        db.add_case_event(
            *case,
            &everything,
            &NewEvent {
                kind: safer_domain::casework::chronology::EventKind::Decision,
                on: today,
                text: format!("Decision on case {case}"),
                risk: None,
                meeting: Some(meeting),
                author: "Chair Person".into(),
                agency_id: a(Role::JagCoordinator),
            },
            &seeded(),
        )
        .await
        .expect("decision");
    }
    let action = db
        .add_case_action(
            made[0].0,
            &everything,
            &NewCaseAction {
                agency_id: a(Role::Caseworker),
                owner: "PC Owner".into(),
                text: "Visit the victim".into(),
                due: today.plus_days(14).expect("date"),
                meeting: Some(meeting),
            },
            "test",
            &seeded(),
        )
        .await
        .expect("action");
    let mut locations = Vec::new();
    for (case, _) in &made {
        locations.push(
            db.add_case_location(
                *case,
                &everything,
                &safer_domain::casework::location::Location {
                    address: format!("Location of case {case}"),
                    place: None,
                },
                "test",
                &seeded(),
            )
            .await
            .expect("location"),
        );
    }
    let mut groups = Vec::new();
    for (case, person) in &made {
        groups.push(
            db.add_case_group(
                *case,
                &everything,
                &safer_domain::casework::group::Group {
                    name: format!("Group of case {case}"),
                    description: "Gathers at the shops".into(),
                },
                &[*person],
                "test",
                &seeded(),
            )
            .await
            .expect("group"),
        );
    }
    Cases {
        groups,
        locations,
        involved: made[0],
        uninvolved: made[1],
        shared: made[2],
        restricted: made[3],
        action,
        meeting,
    }
}

/// One application per configured backend.
pub async fn spawn_apps(opts: Options) -> Vec<App> {
    let mut apps = Vec::new();
    for (db, backend, db_dir, drop_pg) in databases().await {
        let data_dir = tempfile::tempdir().expect("tempdir");
        if opts.data {
            copy_dir(template(), data_dir.path());
        }
        let ids = seed(&db).await;
        let config = WebConfig {
            session_idle_secs: opts.session_idle_secs,
            secure_cookies: opts.secure_cookies,
            static_dir: None,
            trusted_proxies: opts.trusted_proxies.parse().expect("proxies"),
            header_read_timeout: opts.header_read_timeout,
            ..WebConfig::new()
        };
        // The real time to start with, moved on only by the test.
        let clock = std::sync::Arc::new(FixedClock::at(Timestamp::from_unix_seconds(
            safer_store::db::unix_now(),
        )));
        let app = safer_app::App::with_database(
            db.clone(),
            data_dir.path(),
            clock.clone(),
            AppConfig {
                password_cost: PasswordCost::FastForTests,
                ..AppConfig::default()
            },
        )
        .expect("the app");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        let server = tokio::spawn(async move {
            let _ = safer_web::serve(listener, app, config).await;
        });
        let mut dirs = vec![data_dir];
        dirs.extend(db_dir);
        apps.push(App {
            addr,
            db: db.with_clock(clock.clone()),
            clock,
            ids,
            backend,
            data_dir: dirs[0].path().to_owned(),
            server,
            _dirs: dirs,
            drop_pg,
        });
    }
    apps
}

/// One application on SQLite and, when configured, one on PostgreSQL.
pub async fn spawn_app() -> Vec<App> {
    spawn_apps(Options::default()).await
}

impl App {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A browser: a cookie jar, redirects not followed.
    pub fn client(&self) -> Client {
        self.client_with(reqwest::header::HeaderMap::new())
    }

    /// A browser whose every request says it was forwarded for `address`
    /// (as a reverse proxy would say, or anyone could).
    pub fn client_forwarded_for(&self, address: &str) -> Client {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("x-forwarded-for", address.parse().expect("header"));
        self.client_with(h)
    }

    fn client_with(&self, headers: reqwest::header::HeaderMap) -> Client {
        Client {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .default_headers(headers)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            base: self.url(""),
        }
    }

    /// A browser signed in as the user of `role`.
    pub async fn login_as(&self, role: Role) -> Client {
        let c = self.client();
        let r = c.sign_in(role.as_str(), &password_of(role)).await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "[{}] sign in as {role}",
            self.backend
        );
        c
    }

    /// A live API token for the user of `role`; returns the token.
    pub async fn token(&self, role: Role, scopes: &[&str]) -> (String, safer_domain::TokenId) {
        use sha2::Digest;
        let user = self
            .db
            .users()
            .await
            .expect("users")
            .into_iter()
            .find(|u| u.username == role.as_str())
            .expect("the role's user");
        let token = format!("test-token-{}-{}", role.as_str(), scopes.join("-"));
        let digest: String = sha2::Sha256::digest(token.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let id = self
            .db
            .create_api_token(
                user.id,
                "test",
                &digest,
                &scopes.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
                self.clock_now() + 3600,
                &seeded(),
            )
            .await
            .expect("token");
        (token, id)
    }

    /// Now by the application's clock, in Unix seconds.
    pub fn clock_now(&self) -> i64 {
        use safer_app::Clock;
        self.clock.now().unix_seconds()
    }

    /// Stops the server and drops a PostgreSQL test database.
    pub async fn stop(self) {
        self.server.abort();
        let _ = self.server.await;
        self.db.close().await;
        if let Some((admin, name)) = self.drop_pg {
            Database::drop_postgres(&admin, &name)
                .await
                .expect("drop test database");
        }
    }
}

/// A browser session against the application.
pub struct Client {
    pub http: reqwest::Client,
    base: String,
}

impl Client {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.expect("GET")
    }

    /// The CSRF token the application gives this browser: from the sign-in
    /// form before signing in, from any page's sign-out form after.
    pub async fn csrf(&self) -> String {
        let r = self.get("/sign-in").await;
        let body = if r.status() == StatusCode::SEE_OTHER {
            self.get("/").await.text().await.expect("body")
        } else {
            r.text().await.expect("body")
        };
        csrf_in(&body).expect("a CSRF field on the page")
    }

    /// POSTs a form with the browser's CSRF token added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf().await;
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_form_raw(path, &all).await
    }

    /// POSTs a form exactly as given.
    pub async fn post_form_raw(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        self.http
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.join("&"))
            .send()
            .await
            .expect("POST")
    }

    /// POSTs multipart/form-data: (name, file name, bytes) parts in order.
    pub async fn post_multipart(
        &self,
        path: &str,
        parts: &[(&str, Option<&str>, Vec<u8>)],
    ) -> reqwest::Response {
        let boundary = "----safer-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, file, bytes) in parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match file {
                Some(f) => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes(),
                ),
                None => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                ),
            }
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.http
            .post(self.url(path))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .expect("POST")
    }

    /// Signs in through the form.
    pub async fn sign_in(&self, username: &str, password: &str) -> reqwest::Response {
        self.post_form(
            "/sign-in",
            &[
                ("username", username),
                ("password", password),
                ("next", "/"),
            ],
        )
        .await
    }
}

/// The value of the first `csrf_token` hidden field in a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf_token\" value=\"")? + "name=\"csrf_token\" value=\"".len();
    let end = html[at..].find('"')?;
    Some(html[at..at + end].to_owned())
}

pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The `Location` header of a response.
pub fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// Whether a response sends the browser to sign in.
pub fn to_sign_in(r: &reqwest::Response) -> bool {
    r.status() == StatusCode::SEE_OTHER
        && (location(r) == "/sign-in" || location(r).starts_with("/sign-in?next="))
}

/// Checks an RFC 9457 body and returns it.
pub async fn problem(r: reqwest::Response, status: u16) -> serde_json::Value {
    assert_eq!(r.status().as_u16(), status);
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let v: serde_json::Value = r.json().await.expect("problem JSON");
    assert_eq!(v["status"], status, "{v}");
    assert!(v["type"].is_string(), "{v}");
    assert!(v["title"].is_string(), "{v}");
    assert!(v["detail"].is_string(), "{v}");
    v
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
