//! `safer demo`: the Charnwood worked example, end to end.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use clap::Args;

use crate::plan::{self, PlanCommand};
use crate::report::{self, ReportCommand};
use crate::{assess, db, import, serve};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The shared data folder holding police-uk/, geography/ and population/.
    #[arg(
        long,
        env = "SAFER_SHARED_DATA",
        default_value = "../shared/data",
        value_name = "DIR"
    )]
    pub shared_data: PathBuf,
    /// The Charnwood partnership configuration.
    #[arg(
        long,
        default_value = "examples/charnwood/partnership.toml",
        value_name = "FILE"
    )]
    pub partnership: PathBuf,
    /// Where to write the assessment.
    #[arg(
        long,
        default_value = "safer-out/charnwood-2023-24",
        value_name = "DIR"
    )]
    pub out: PathBuf,
    /// Where to write the performance reports.
    #[arg(long, default_value = "safer-out", value_name = "DIR")]
    pub reports: PathBuf,
    /// Stop after writing the reports instead of starting the web application.
    #[arg(long)]
    pub no_serve: bool,
    /// Where the web application listens.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
}

pub fn run(data_dir: &Path, url: Option<&str>, args: &DemoArgs) -> Result<()> {
    let leics = args.shared_data.join("police-uk/leicestershire");
    if !leics.is_dir() {
        bail!(
            "{} not found. Run the demo from the repository root with the shared data beside it, or pass --shared-data DIR",
            leics.display()
        );
    }
    // The Charnwood-only files are filtered copies: for 2023/24 the whole
    // force's files are imported instead, so a filtered file never stands
    // for (or, on a second run, replaces) a whole month.
    let whole: std::collections::BTreeSet<std::ffi::OsString> =
        std::fs::read_dir(leics.join("street-full-force"))?
            .map(|e| e.map(|e| e.file_name()))
            .collect::<Result<_, _>>()?;
    let mut filtered: Vec<std::path::PathBuf> =
        std::fs::read_dir(leics.join("street-charnwood-only"))?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter(|p| p.file_name().is_some_and(|n| !whole.contains(n)))
            .collect();
    filtered.sort();
    demo_accounts(data_dir, url)?;
    eprintln!(
        "1/7 Importing Charnwood's police.uk records, 2022-01 to 2024-12 outside 2023/24 (files filtered to Charnwood) …"
    );
    let (r, r2) = db::block_on(async {
        let app = db::open(data_dir, url).await?;
        let r = import::import_police_uk(&app, Some(DEMO_USER), &filtered, false).await?;
        eprintln!("    {} files, {} records.", r.files, r.rows_kept);
        eprintln!("2/7 Importing the whole Leicestershire force for 2023/24 (unfiltered files) …");
        let r2 = import::import_police_uk(
            &app,
            Some(DEMO_USER),
            &[leics.join("street-full-force")],
            false,
        )
        .await?;
        eprintln!("3/7 Importing the partnership: beats, population, groups …");
        import::import_partnership(&app, Some(DEMO_USER), &args.partnership).await?;
        app.close().await;
        anyhow::Ok((r, r2))
    })??;
    let _ = r;
    let r = r2;
    eprintln!(
        "    {} files, {} records, {} force-months replaced.",
        r.files,
        r.rows_kept,
        r.replaced.len()
    );
    for (force, missing) in &r.missing_months {
        if !missing.is_empty() {
            let list: Vec<String> = missing.iter().map(ToString::to_string).collect();
            eprintln!("    {force}: missing month(s) {}", list.join(", "));
        }
    }
    eprintln!("4/7 Writing the Partnership Strategic Assessment 2023/24 …");
    assess::run(
        data_dir,
        url,
        &assess::AssessArgs {
            district: "Charnwood".into(),
            year: "2023/24".parse()?,
            as_at: None,
            out: Some(args.out.clone()),
            json: false,
            no_pdf: false,
        },
    )?;
    let examples = args.partnership.parent().unwrap_or(Path::new("."));
    eprintln!("5/7 Importing the partnership plans 2020–23 and 2023–26 …");
    for name in ["plan-2020-23.toml", "plan-2023-26.toml"] {
        plan::run_plan(
            data_dir,
            url,
            PlanCommand::Import {
                file: examples.join(name),
                by: Some(DEMO_USER.into()),
            },
        )?;
    }
    eprintln!(
        "6/7 Adding demonstration actions and fund entries (illustrative, not Charnwood's own) …"
    );
    demo_entries(data_dir, url)?;
    demo_users(data_dir, url)?;
    eprintln!("Adding demonstration cases, people, meetings and duties (fictional) …");
    crate::demo_cases::add(data_dir, url)?;
    eprintln!("7/7 Writing the performance reports …");
    let annual = args.reports.join("charnwood-2020-23-annual-2022-23");
    report::run(
        data_dir,
        url,
        ReportCommand::Annual {
            plan: "charnwood-2020-23".into(),
            year: "2022/23".parse()?,
            out: Some(annual.clone()),
            json: false,
        },
    )?;
    let quarterly = args.reports.join("charnwood-2023-26-2024-Q2");
    report::run(
        data_dir,
        url,
        ReportCommand::Quarterly {
            plan: "charnwood-2023-26".into(),
            quarter: "2024-Q2".parse().map_err(anyhow::Error::msg)?,
            out: Some(quarterly.clone()),
            json: false,
        },
    )?;
    eprintln!();
    eprintln!("Open in a browser:");
    eprintln!(
        "  {}   the Partnership Strategic Assessment 2023/24",
        args.out.join("assessment.html").display()
    );
    eprintln!(
        "  {}   the 2024/25 Q2 performance report (PDF beside it)",
        quarterly.join("quarterly.html").display()
    );
    eprintln!(
        "  {}   the 2020–23 plan's final-year report for scrutiny",
        annual.join("annual.html").display()
    );
    eprintln!("Try also: safer assess --district Charnwood --year 2024/25 --as-at 2024-12");
    if args.no_serve {
        return Ok(());
    }
    eprintln!();
    serve::run(
        data_dir,
        url,
        &serve::ServeArgs {
            listen: args.listen,
            secure_cookies: false,
            idle_minutes: 30,
            session_hours: 12,
            trusted_proxy: safer_web::TrustedProxies::none(),
            assets: None,
            min_rows_percent: safer_domain::SizeRule::DEFAULT_PERCENT,
            no_cache: false,
        },
    )
}

/// The user the demo's own entries are made by: a service account of the
/// Charnwood Borough Council that no one signs in as (its password is
/// random and never shown).
const DEMO_USER: &str = "demo";

/// The demonstration agencies, and the service user the demo enters its
/// data as (audited as `demo`).
fn demo_accounts(data_dir: &Path, url: Option<&str>) -> Result<()> {
    use safer_domain::Role;
    db::block_on(async {
        let app = db::open(data_dir, url).await?;
        let op = db::operator();
        for (name, statutory) in [
            ("Charnwood Borough Council", true),
            ("Leicestershire Police", true),
            ("Leicestershire Fire and Rescue Service", true),
            ("Probation Service", true),
            (
                "Leicester, Leicestershire and Rutland Integrated Care Board",
                true,
            ),
            ("Voluntary Action LeicesterShire", false),
        ] {
            if app.agency_named(name).await?.is_none() {
                app.add_agency(&op, name, statutory).await?;
            }
        }
        if app.user_named(DEMO_USER).await.is_err() {
            app.add_user(
                &op,
                DEMO_USER,
                "Safer demonstration (service account)",
                "Charnwood Borough Council",
                &[
                    Role::Analyst,
                    Role::CommunitySafetyOfficer,
                    Role::JagCoordinator,
                ],
                &safer_app::generate_password(),
            )
            .await?;
        }
        app.close().await;
        anyhow::Ok(())
    })?
}

/// One user per role, with fresh passwords printed once. Running the demo
/// again gives the same users new passwords.
fn demo_users(data_dir: &Path, url: Option<&str>) -> Result<()> {
    use safer_domain::Role;
    let users: [(&str, &str, &str, bool, Role); 9] = [
        (
            "demo-admin",
            "Demo Administrator",
            "Charnwood Borough Council",
            true,
            Role::Administrator,
        ),
        (
            "demo-analyst",
            "Demo Analyst",
            "Charnwood Borough Council",
            true,
            Role::Analyst,
        ),
        (
            "demo-cso",
            "Demo Community Safety Officer",
            "Charnwood Borough Council",
            true,
            Role::CommunitySafetyOfficer,
        ),
        (
            "demo-jag",
            "Demo JAG Coordinator",
            "Charnwood Borough Council",
            true,
            Role::JagCoordinator,
        ),
        (
            "demo-caseworker",
            "Demo Caseworker",
            "Leicestershire Police",
            true,
            Role::Caseworker,
        ),
        (
            "demo-council-caseworker",
            "Demo Council Caseworker",
            "Charnwood Borough Council",
            true,
            Role::Caseworker,
        ),
        (
            "demo-fire",
            "Demo Fire Service Caseworker",
            "Leicestershire Fire and Rescue Service",
            true,
            Role::Caseworker,
        ),
        (
            "demo-police-lead",
            "Demo Police Lead",
            "Leicestershire Police",
            true,
            Role::AgencyLead,
        ),
        (
            "demo-partner",
            "Demo Read-only Partner",
            "Voluntary Action LeicesterShire",
            false,
            Role::ReadOnlyPartner,
        ),
    ];
    let printed = db::block_on(async {
        let app = db::open(data_dir, url).await?;
        let op = db::operator();
        let mut printed = Vec::new();
        for (username, display, agency, _, role) in users {
            let password = safer_app::generate_password();
            match app.user_named(username).await {
                Ok(_) => app.reset_password(&op, username, &password).await?,
                Err(_) => {
                    app.add_user(&op, username, display, agency, &[role], &password)
                        .await?;
                }
            }
            printed.push((username, role, agency, password));
        }
        anyhow::Ok(printed)
    })??;
    eprintln!();
    eprintln!(
        "DEMO USERS: for trying Safer only. Passwords are shown this once; run the demo again for new ones."
    );
    for (username, role, agency, password) in printed {
        eprintln!("  {username:<24} {password}  {} ({agency})", role.label());
    }
    Ok(())
}

/// Illustrative actions, progress and fund entries for the 2023–26 plan,
/// so the reports show every section. Each is marked as a demonstration;
/// they are added once (a second demo run leaves them alone).
fn demo_entries(data_dir: &Path, url: Option<&str>) -> Result<()> {
    use safer_app::{ActionEntry, FundEntry};
    use safer_domain::{ActionStatus, Aim, Date, FinancialYear};
    let plan_id = "charnwood-2023-26";
    let date = |d: &str| d.parse::<Date>().map_err(anyhow::Error::msg);
    db::block_on(async {
        let app = db::open(data_dir, url).await?;
        let actor = db::actor(&app, Some(DEMO_USER)).await?;
        if !app.actions(&actor, plan_id).await?.is_empty() {
            eprintln!("    (already added)");
            return anyhow::Ok(());
        }
        let actions = [
            (
                "p1",
                Aim::Prevention,
                "Four domestic abuse awareness initiatives in the year",
                "Charnwood Borough Council",
                "2025-03-31",
                Some("p1-m4"),
            ),
            (
                "p1",
                Aim::Enforcement,
                "Night-time economy plan for Loughborough town centre",
                "Leicestershire Police",
                "2024-06-30",
                None,
            ),
            (
                "p2",
                Aim::Prevention,
                "Diversionary activities for young people in Loughborough East",
                "Charnwood Borough Council",
                "2024-12-31",
                Some("p2-m5"),
            ),
        ];
        let mut ids = Vec::new();
        for (priority, aim, text, lead, due, measure) in actions {
            let a = ActionEntry {
                plan_id: plan_id.into(),
                priority_id: priority.into(),
                aim,
                key_action: format!("[Demonstration] {text}"),
                lead_agency: lead.into(),
                start: date("2024-04-01")?,
                due: date(due)?,
                financial_implications: "From the Partnership Locality Fund".into(),
                resource_implications: "Officer time".into(),
                outcome_target: "See the measure it serves".into(),
                measure_id: measure.map(str::to_owned),
            };
            ids.push(app.add_action(&actor, &a).await?);
        }
        let updates = [
            (
                ActionStatus::OnTrack,
                "Two of four initiatives held",
                "2024-09-20",
            ),
            (
                ActionStatus::AtRisk,
                "Plan drafted; licensing input outstanding",
                "2024-06-15",
            ),
            (
                ActionStatus::OnTrack,
                "Weekly sessions running",
                "2024-09-01",
            ),
        ];
        for (id, (status, text, when)) in ids.iter().zip(updates) {
            app.update_action(
                &actor,
                *id,
                status,
                &format!("[Demonstration] {text}"),
                Some(date(when)?),
            )
            .await?;
        }
        let year: FinancialYear = "2024/25".parse()?;
        app.set_allocation(
            &actor,
            "charnwood",
            year,
            4_000_000,
            "[Demonstration] Partnership Locality Fund (Police and Crime Commissioner)",
        )
        .await?;
        let projects = [
            (
                "Domestic abuse awareness campaign",
                600_000,
                "p1",
                ids[0],
                [150_000, 160_000],
            ),
            (
                "Youth diversionary sessions",
                1_500_000,
                "p2",
                ids[2],
                [200_000, 150_000],
            ),
        ];
        for (name, budget, priority, action, spend) in projects {
            let p = FundEntry {
                partnership: "charnwood".into(),
                year,
                name: format!("[Demonstration] {name}"),
                lead_agency: "Charnwood Borough Council".into(),
                budget_pence: budget,
                plan_id: plan_id.into(),
                priority_id: priority.into(),
                action_id: Some(action),
            };
            let project = app.add_project(&actor, &p).await?;
            for (q, amount) in [(1, spend[0]), (2, spend[1])] {
                app.record_spend(&actor, project, q, amount, "[Demonstration]")
                    .await?;
            }
        }
        // Illustrative values for the measures entered by hand, so the
        // dashboard and the quarterly report show their statuses: the
        // comparison year 2023/24 and 2024/25 to quarter 2, moving towards
        // each measure's target.
        let plan = app.plan(&actor, plan_id).await?;
        let mut values = 0;
        for (i, (_, m)) in plan
            .measures()
            .filter(|(_, m)| matches!(m.source, safer_domain::MeasureSource::Manual))
            .enumerate()
        {
            let percent = m.unit.contains('%') || m.unit.to_lowercase().contains("percent");
            let base = if percent {
                70.0
            } else {
                40.0 + 10.0 * i as f64
            };
            let better = match m.direction {
                safer_domain::Direction::Lower => -1.0,
                _ => 1.0,
            };
            let mut entries: Vec<(safer_domain::Quarter, f64)> = Vec::new();
            for (q, v) in [
                ("2023-Q1", base),
                ("2023-Q2", base + 2.0),
                ("2023-Q3", base + 1.0),
                ("2023-Q4", base + 3.0),
                ("2024-Q1", base + better * 4.0),
                ("2024-Q2", base + 2.0 + better * 5.0),
            ] {
                entries.push((q.parse().map_err(anyhow::Error::msg)?, v));
            }
            // The first year values may be entered for (the baseline year,
            // or the year before the plan's first) gets values too, so the
            // plan's first year has something to be compared with, unless
            // the plan gives them.
            let (first, _) = plan.value_years(m);
            if first.start_year() < 2023 && m.baseline_values.is_empty() {
                for (n, v) in [(1, base - 1.0), (2, base + 1.0), (3, base), (4, base + 2.0)] {
                    if let Some(q) = safer_domain::Quarter::new(first, n) {
                        entries.push((q, v));
                    }
                }
            }
            for (q, v) in entries {
                app.record_value(
                    &actor,
                    plan_id,
                    &m.id,
                    q,
                    v,
                    "[Demonstration] an illustrative figure, not Charnwood's",
                )
                .await?;
                values += 1;
            }
        }
        eprintln!(
            "    3 actions with progress updates, a £40,000 allocation, 2 projects with spend and {values} illustrative values of the measures entered by hand."
        );
        anyhow::Ok(())
    })?
}
