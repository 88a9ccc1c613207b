//! The partnership's tasks in the browser: what a community safety
//! officer, a JAG coordinator and an administrator do without a command
//! line, and what the pages then show.

use reqwest::StatusCode;
use safer_domain::Role;

use crate::helpers::{location, spawn_app};

#[tokio::test]
async fn an_officer_records_and_corrects_a_measures_value() {
    for app in spawn_app().await {
        let b = app.backend;
        let cso = app.login_as(Role::CommunitySafetyOfficer).await;
        // p5-m1, "feel safe after dark", is entered by hand.
        let page_path = format!("/plans/{}/measures/p5-m1", app.ids.plan);
        let page = cso.get(&page_path).await.text().await.unwrap();
        assert!(page.contains("No value has been entered yet."), "[{b}]");
        assert!(page.contains("Record a value"), "[{b}]");

        // Mistakes are named and nothing is saved.
        let r = cso
            .post_form(&page_path, &[("quarter", "2022/23-Q1"), ("value", "lots")])
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        let page = r.text().await.unwrap();
        assert!(page.contains("Enter the value as a number"), "[{b}]");
        assert!(
            page.contains("value=\"lots\""),
            "[{b}] what was typed is kept"
        );
        let r = cso
            .post_form(&page_path, &[("quarter", "2030/31-Q1"), ("value", "5")])
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        assert!(
            r.text().await.unwrap().contains("outside the plan"),
            "[{b}]"
        );
        assert!(
            app.db
                .values(&app.ids.plan, "p5-m1")
                .await
                .unwrap()
                .is_empty()
        );

        // A value, then its correction.
        for (v, note) in [
            ("88", "Residents survey, June"),
            ("89.5", "Corrected total"),
        ] {
            let r = cso
                .post_form(
                    &page_path,
                    &[("quarter", "2022/23-Q1"), ("value", v), ("note", note)],
                )
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
            assert_eq!(location(&r), format!("{page_path}?recorded=2022/23-Q1"));
        }
        let page = cso
            .get(&format!("{page_path}?recorded=2022/23-Q1"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("The value for Quarter 1 of 2022/23"),
            "[{b}] the banner"
        );
        assert!(
            page.contains("89.5") && page.contains("Corrected total"),
            "[{b}]"
        );
        assert!(page.contains("Every entry, corrections included"), "[{b}]");
        let values = app.db.values(&app.ids.plan, "p5-m1").await.unwrap();
        assert_eq!(values.len(), 1);
        assert_eq!(
            (values[0].value, values[0].entered_by.as_str()),
            (89.5, "community_safety_officer")
        );
        let entries = app.db.value_entries(&app.ids.plan, "p5-m1").await.unwrap();
        assert_eq!(entries.len(), 2, "[{b}] the first entry is kept");
        let log = app.db.audit_log(20).await.unwrap();
        assert_eq!(
            log.iter()
                .filter(|e| e.action == "record_value"
                    && e.target == format!("measure {} p5-m1", app.ids.plan))
                .count(),
            2,
            "[{b}]"
        );
        // The dashboard now judges it.
        let dash = cso
            .get(&format!("/?plan={}&quarter=2022/23-Q1", app.ids.plan))
            .await
            .text()
            .await
            .unwrap();
        assert!(dash.contains("89.5"), "[{b}]");

        // A reader sees the values but no form; a computed measure has none.
        let reader = app.login_as(Role::ReadOnlyPartner).await;
        let page = reader.get(&page_path).await.text().await.unwrap();
        assert!(
            page.contains("89.5") && !page.contains("Record a value"),
            "[{b}]"
        );
        let computed = cso
            .get(&format!("/plans/{}/measures/p1-m1", app.ids.plan))
            .await
            .text()
            .await
            .unwrap();
        assert!(computed.contains("nothing to enter by hand"), "[{b}]");
        assert_eq!(
            reader
                .post_form(&page_path, &[("quarter", "2022/23-Q2"), ("value", "1")])
                .await
                .status(),
            StatusCode::FORBIDDEN,
            "[{b}]"
        );
        assert_eq!(
            cso.get(&format!("/plans/{}/measures/nope", app.ids.plan))
                .await
                .status(),
            StatusCode::NOT_FOUND,
            "[{b}]"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_coordinator_adds_and_changes_an_action() {
    for app in spawn_app().await {
        let b = app.backend;
        let jag = app.login_as(Role::JagCoordinator).await;
        let plan = app.db.plan(&app.ids.plan).await.unwrap();
        let p2 = plan.priorities[1].id.clone();
        let new = format!("/plans/{}/actions/new", app.ids.plan);
        let form = jag
            .get(&format!("{new}?priority={p2}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            form.contains(&format!("<option value=\"{p2}\" selected>")),
            "[{b}]"
        );
        let lead = crate::helpers::agency_of(Role::AgencyLead);

        // Everything missing is named, in the form's order.
        let r = jag.post_form(&new, &[("priority", &p2)]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        let page = r.text().await.unwrap();
        for m in [
            "Select the action",
            "Say what the action is",
            "Select the lead agency",
            "Enter the date as YYYY-MM-DD",
            "Say what the action should achieve",
        ] {
            assert!(page.contains(m), "[{b}] {m}");
        }
        let fields = [
            ("priority", p2.as_str()),
            ("aim", "prevention"),
            ("key_action", "Youth diversion sessions in the summer"),
            ("lead_agency", lead.as_str()),
            ("start", "2022-06-01"),
            ("due", "2022-09-30"),
            ("financial_implications", "£3,000 from the Locality Fund"),
            ("resource_implications", "Two youth workers, eight evenings"),
            ("outcome_target", "Eight sessions, 100 young people"),
            ("measure", ""),
        ];
        let mut bad = fields.to_vec();
        bad[5] = ("due", "2022-05-01");
        let r = jag.post_form(&new, &bad).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("on or after the start date"),
            "[{b}]"
        );

        let r = jag.post_form(&new, &fields).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        let to = location(&r);
        assert!(to.contains("?added="), "[{b}] {to}");
        let page = jag.get(&to).await.text().await.unwrap();
        assert!(page.contains("is added."), "[{b}] the banner");
        for f in [
            "Youth diversion sessions",
            "£3,000 from the Locality Fund",
            "Two youth workers",
            "Eight sessions, 100 young people",
        ] {
            assert!(page.contains(f), "[{b}] {f}");
        }
        let added = app
            .db
            .actions(&app.ids.plan)
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.key_action.starts_with("Youth diversion"))
            .unwrap();
        assert_eq!(added.priority_id, p2);
        assert_eq!(added.lead_agency, lead);

        // Changed: the form comes filled, the change is kept and audited.
        let edit = format!("/actions/{}/edit", added.id);
        let form = jag.get(&edit).await.text().await.unwrap();
        assert!(form.contains("Two youth workers, eight evenings"), "[{b}]");
        let mut changed = fields.to_vec();
        changed[5] = ("due", "2022-10-31");
        changed[8] = ("outcome_target", "Ten sessions");
        let r = jag.post_form(&edit, &changed).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        let after = app
            .db
            .action_in_scope(added.id, safer_domain::ActionScope::All)
            .await
            .unwrap();
        assert_eq!(
            (
                after.due.to_string().as_str(),
                after.outcome_target.as_str()
            ),
            ("2022-10-31", "Ten sessions")
        );
        let log = app.db.audit_log(20).await.unwrap();
        assert!(
            log.iter()
                .any(|e| e.action == "add_action" && e.actor == "jag_coordinator"),
            "[{b}]"
        );
        assert!(
            log.iter()
                .any(|e| e.action == "edit_action" && e.target == format!("action {}", added.id)),
            "[{b}]"
        );

        // An agency lead updates progress but does not change actions.
        let lead_c = app.login_as(Role::AgencyLead).await;
        assert_eq!(
            lead_c.get(&edit).await.status(),
            StatusCode::FORBIDDEN,
            "[{b}]"
        );
        assert_eq!(
            lead_c.get(&new).await.status(),
            StatusCode::FORBIDDEN,
            "[{b}]"
        );
        let page = lead_c
            .get(&format!("/plans/{}", app.ids.plan))
            .await
            .text()
            .await
            .unwrap();
        assert!(!page.contains("Add an action"), "[{b}]");
        app.stop().await;
    }
}

#[tokio::test]
async fn an_officer_keeps_the_fund_in_the_browser() {
    use calamine::Reader;
    for app in spawn_app().await {
        let b = app.backend;
        let cso = app.login_as(Role::CommunitySafetyOfficer).await;
        // The fund is in the header's menu.
        let index = cso.get("/fund").await.text().await.unwrap();
        assert!(index.contains("href=\"/fund\">Fund</a>"), "[{b}] the menu");
        assert!(
            index.contains("/fund/charnwood/2022-23"),
            "[{b}] the year held"
        );

        // A new year's allocation.
        let r = cso
            .post_form(
                "/fund",
                &[
                    ("partnership", "charnwood"),
                    ("year", "2023/24"),
                    ("amount", "abc"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        let page = r.text().await.unwrap();
        assert!(
            page.contains("Enter the amount in pounds")
                && page.contains("Say where the money comes from"),
            "[{b}]"
        );
        let r = cso
            .post_form(
                "/fund",
                &[
                    ("partnership", "charnwood"),
                    ("year", "2023/24"),
                    ("amount", "£42,500"),
                    ("source", "PCC grant letter, April 2023"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        assert_eq!(location(&r), "/fund/charnwood/2023-24?saved=allocation");

        // A project serving a priority, then spend and a refund.
        let page_path = "/fund/charnwood/2023-24";
        let form = cso.get(page_path).await.text().await.unwrap();
        assert!(
            form.contains("Add a project") && !form.contains("Record spend"),
            "[{b}]"
        );
        let lead = crate::helpers::agency_of(Role::AgencyLead);
        let priority = format!("{} p2", app.ids.plan);
        let r = cso
            .post_form(
                &format!("{page_path}/projects"),
                &[
                    ("name", "Street pastors"),
                    ("lead_agency", &lead),
                    ("budget", "12,000"),
                    ("priority", &priority),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        let fund = app
            .db
            .fund("charnwood", "2023/24".parse().unwrap())
            .await
            .unwrap();
        let project = fund.projects[0].id.to_string();
        for (q, amount) in [("1", "2,000.50"), ("2", "3,000"), ("2", "-500")] {
            let r = cso
                .post_form(
                    &format!("{page_path}/spend"),
                    &[
                        ("project", &project),
                        ("spend_quarter", q),
                        ("spend_amount", amount),
                        ("spend_note", "invoice"),
                    ],
                )
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        }
        let page = cso
            .get(&format!("{page_path}?quarter=2&saved=spend"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("The spend is recorded."), "[{b}]");
        assert!(
            page.contains("£2,000.50") && page.contains("£2,500.00") && page.contains("£4,500.50"),
            "[{b}] the figures"
        );
        // A project of another year is not this year's.
        let other = app
            .db
            .fund("charnwood", "2022/23".parse().unwrap())
            .await
            .unwrap()
            .projects[0]
            .id
            .to_string();
        let r = cso
            .post_form(
                &format!("{page_path}/spend"),
                &[
                    ("project", &other),
                    ("spend_quarter", "1"),
                    ("spend_amount", "1"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");

        // The return, read back cell by cell.
        let r = cso.get(&format!("{page_path}/return.xlsx?quarter=2")).await;
        assert_eq!(r.status(), StatusCode::OK, "[{b}]");
        let bytes = r.bytes().await.unwrap().to_vec();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        let cells: Vec<String> = sheet
            .rows()
            .flat_map(|r| r.iter().map(|c| c.to_string()))
            .collect();
        assert!(
            cells.iter().any(|c| c == "Street pastors"),
            "[{b}] {cells:?}"
        );
        assert!(
            cells.iter().any(|c| c == "4500.5"),
            "[{b}] the spend to date as a number: {cells:?}"
        );

        let log = app.db.audit_log(30).await.unwrap();
        for action in ["set_allocation", "add_project", "record_spend"] {
            assert!(
                log.iter()
                    .any(|e| e.action == action && e.actor == "community_safety_officer"),
                "[{b}] {action}"
            );
        }
        // An analyst keeps no fund.
        let analyst = app.login_as(Role::Analyst).await;
        assert_eq!(
            analyst.get("/fund").await.status(),
            StatusCode::FORBIDDEN,
            "[{b}]"
        );
        app.stop().await;
    }
}

/// The text between `<code class="safer-secret">` and `</code>`.
fn secret_in(page: &str) -> String {
    let start = page
        .find("<code class=\"safer-secret\">")
        .expect("a secret")
        + 27;
    let end = start + page[start..].find("</code>").unwrap();
    page[start..end].to_owned()
}

#[tokio::test]
async fn an_administrator_keeps_accounts_in_the_browser() {
    for app in spawn_app().await {
        let b = app.backend;
        let admin = app.login_as(Role::Administrator).await;
        // An agency, then a user of it; the password is shown once.
        let r = admin
            .post_form(
                "/admin/agencies",
                &[
                    ("agency_name", "Charnwood Neighbourhood Watch"),
                    ("statutory", ""),
                ],
            )
            .await;
        assert_eq!(location(&r), "/admin/users?saved=agency", "[{b}]");
        let r = admin
            .post_form(
                "/admin/users",
                &[("username", "bad name"), ("name", ""), ("roles", "analyst")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        let page = r.text().await.unwrap();
        assert!(
            page.contains("The username is refused") && page.contains("Enter the user&#39;s name"),
            "[{b}]"
        );
        let r = admin
            .post_form(
                "/admin/users",
                &[
                    ("username", "nw-coordinator"),
                    ("name", "N Watch"),
                    ("agency", "Charnwood Neighbourhood Watch"),
                    ("roles", "read_only_partner"),
                    ("roles", "caseworker"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "[{b}]");
        assert_eq!(
            r.headers()["cache-control"],
            "no-store",
            "[{b}] a secret is never kept"
        );
        let password = secret_in(&r.text().await.unwrap());
        let user = app.client();
        assert_eq!(
            user.sign_in("nw-coordinator", &password).await.status(),
            StatusCode::SEE_OTHER,
            "[{b}]"
        );
        assert_eq!(user.get("/").await.status(), StatusCode::OK, "[{b}]");
        let state = app
            .db
            .login_state_by_username("nw-coordinator")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            state.user.roles,
            vec![Role::Caseworker, Role::ReadOnlyPartner]
        );

        // A token for them, shown once; then revoked.
        let r = admin
            .post_form(
                "/admin/tokens",
                &[
                    ("token_user", "nw-coordinator"),
                    ("token_name", "weekly export"),
                    ("scopes", "read"),
                    ("days", "30"),
                ],
            )
            .await;
        let secret = secret_in(&r.text().await.unwrap());
        let api = |token: String| {
            let c = reqwest::Client::new();
            let url = app.url("/api/v1/plans");
            async move { c.get(url).bearer_auth(token).send().await.unwrap().status() }
        };
        assert_eq!(api(secret.clone()).await, StatusCode::OK, "[{b}]");

        // Disabled: their session and token stop at once.
        let r = admin
            .post_form("/admin/users/nw-coordinator/disable", &[])
            .await;
        assert_eq!(
            location(&r),
            "/admin/users?saved=disabled:nw-coordinator",
            "[{b}]"
        );
        assert!(
            crate::helpers::to_sign_in(&user.get("/").await),
            "[{b}] the session ended"
        );
        assert_eq!(api(secret.clone()).await, StatusCode::UNAUTHORIZED, "[{b}]");
        let page = admin
            .get("/admin/users?saved=disabled:nw-coordinator")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("nw-coordinator is disabled"),
            "[{b}] the banner"
        );
        admin
            .post_form("/admin/users/nw-coordinator/enable", &[])
            .await;
        assert_eq!(api(secret.clone()).await, StatusCode::OK, "[{b}]");
        let token = app
            .db
            .api_tokens()
            .await
            .unwrap()
            .into_iter()
            .find(|t| t.name == "weekly export")
            .unwrap();
        let r = admin
            .post_form(&format!("/admin/tokens/{}/revoke", token.id), &[])
            .await;
        assert_eq!(location(&r), "/admin/users?saved=revoked", "[{b}]");
        assert_eq!(api(secret).await, StatusCode::UNAUTHORIZED, "[{b}]");

        // A new password, shown once, and the old one no longer works.
        let r = admin
            .post_form("/admin/users/nw-coordinator/reset", &[])
            .await;
        let new_password = secret_in(&r.text().await.unwrap());
        assert_ne!(new_password, password);
        assert_eq!(
            app.client()
                .sign_in("nw-coordinator", &password)
                .await
                .status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{b}]"
        );
        assert_eq!(
            app.client()
                .sign_in("nw-coordinator", &new_password)
                .await
                .status(),
            StatusCode::SEE_OTHER,
            "[{b}]"
        );

        // The log finds all of it, by who and what, a page at a time.
        let page = admin
            .get("/admin/audit?what=disable_user")
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("Entries 1 to 1 of the 1 that match"), "[{b}]");
        assert!(page.contains("user nw-coordinator"), "[{b}]");
        let page = admin
            .get("/admin/audit?who=administrator&text=nw-coordinator")
            .await
            .text()
            .await
            .unwrap();
        for a in [
            "add_user",
            "create_api_token",
            "disable_user",
            "enable_user",
            "revoke_api_token",
            "reset_password",
        ] {
            assert!(
                page.contains(&format!("<td class=\"govuk-table__cell\">{a}</td>")),
                "[{b}] {a}"
            );
        }
        // Changes made at the command line are there too, with their user.
        let cli = safer_app::Actor::user(
            app.db
                .login_state_by_username("community_safety_officer")
                .await
                .unwrap()
                .unwrap()
                .user,
            safer_app::Channel::CommandLine,
            "officer-login",
        );
        app.db
            .audit(&cli.audit("record_value", "measure x p5-m1", "from the command line"))
            .await
            .unwrap();
        let page = admin
            .get("/admin/audit?text=from+the+command+line")
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("command line officer-login"), "[{b}]");
        let page = admin.get("/admin/audit?page=2").await.text().await.unwrap();
        assert!(page.contains("Newer entries"), "[{b}] paging");
        app.stop().await;
    }
}

#[tokio::test]
async fn an_officer_refreshes_a_plan_and_sees_what_changed() {
    for app in spawn_app().await {
        let b = app.backend;
        let cso = app.login_as(Role::CommunitySafetyOfficer).await;
        let original = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../examples/charnwood/plan-2020-23.toml"),
        )
        .unwrap();
        let upload = |name: &'static str, text: String, intent: &'static str| {
            let c = &cso;
            async move {
                let csrf = c.csrf().await;
                c.post_multipart(
                    "/plans/upload",
                    &[
                        ("csrf_token", None, csrf.into_bytes()),
                        ("plan", Some(name), text.into_bytes()),
                        ("intent", None, intent.as_bytes().to_vec()),
                    ],
                )
                .await
            }
        };
        // A mistake is shown with its line, and nothing is imported.
        let broken = original.replacen("direction = \"lower\"", "direction = \"down\"", 1);
        let line = broken.lines().position(|l| l.contains("\"down\"")).unwrap() + 1;
        let r = upload("plan-2020-23.toml", broken, "import").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        let page = r.text().await.unwrap();
        assert!(
            page.contains(&format!("plan-2020-23.toml: line {line}:")),
            "[{b}] {line}"
        );
        assert!(page.contains("lower, higher or monitor"), "[{b}]");
        assert!(!page.contains("/tmp"), "[{b}] no server paths");
        // Only checked: valid, and still nothing imported.
        let r = upload("plan-2020-23.toml", original.clone(), "check").await;
        assert!(r.text().await.unwrap().contains("is a valid plan"), "[{b}]");
        assert_eq!(
            app.db.plan_versions(&app.ids.plan).await.unwrap().len(),
            1,
            "[{b}]"
        );

        // The refresh: a new title and a new measure.
        let refreshed = original.replacen(
            "title = \"Charnwood Community Safety Partnership Plan",
            "title = \"Refreshed: Charnwood Community Safety Partnership Plan",
            1,
        ) + "\n";
        assert_ne!(refreshed, original);
        let r = upload("plan-2020-23.toml", refreshed, "import").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        assert_eq!(location(&r), format!("/plans/{}?imported=1", app.ids.plan));
        let page = cso.get(&location(&r)).await.text().await.unwrap();
        assert!(page.contains("The plan is imported."), "[{b}] the banner");
        assert!(page.contains("What the refresh of"), "[{b}]");
        assert!(page.contains("The plan&#39;s title changed from"), "[{b}]");
        assert!(page.contains("Version 2: imported"), "[{b}]");
        let versions = app.db.plan_versions(&app.ids.plan).await.unwrap();
        assert_eq!(versions.len(), 2, "[{b}] the first version is kept");
        // The printable report says so too.
        let report = cso
            .get(&format!("/plans/{}/report", app.ids.plan))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            report.contains("What the annual refresh changed (version 1 to 2"),
            "[{b}]"
        );
        assert!(
            report.contains("The plan&#39;s title changed from"),
            "[{b}]"
        );
        assert!(versions[1].plan.title.starts_with("Refreshed"));
        assert!(
            app.db
                .audit_log(5)
                .await
                .unwrap()
                .iter()
                .any(|e| e.action == "import_plan" && e.actor == "community_safety_officer")
        );
        // A JAG coordinator keeps action plans, not the plan itself.
        let jag = app.login_as(Role::JagCoordinator).await;
        assert_eq!(
            jag.get("/plans/upload").await.status(),
            StatusCode::FORBIDDEN,
            "[{b}]"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn an_analyst_writes_the_narrative_of_an_assessment() {
    for app in spawn_app().await {
        let b = app.backend;
        let analyst = app.login_as(Role::Analyst).await;
        let query = "district=Charnwood&year=2023/24&as_at=2023-06";
        let explorer = analyst
            .get(&format!("/assessment?{query}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            explorer.contains("Write the analyst's assessment"),
            "[{b}] the explorer offers the form"
        );
        let form = analyst.get(&format!("/assessment/narrative?{query}")).await;
        assert_eq!(form.status(), StatusCode::OK, "[{b}]");
        let form = form.text().await.unwrap();
        for label in [
            "Key findings",
            "Emerging threats",
            "Community tensions",
            "Recommended priorities",
        ] {
            assert!(form.contains(label), "[{b}] {label}");
        }

        // Too long: the part is named, what was typed is kept, nothing saved.
        let long = "x".repeat(safer_domain::NARRATIVE_LIMIT + 1);
        let fields = |key: &'static str, value: &str| {
            vec![
                ("district", "Charnwood".to_owned()),
                ("year", "2023/24".to_owned()),
                ("as_at", "2023-06".to_owned()),
                (key, value.to_owned()),
            ]
        };
        let post = |fields: Vec<(&'static str, String)>| {
            let analyst = &analyst;
            async move {
                let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                analyst.post_form("/assessment/narrative", &f).await
            }
        };
        let r = post(fields("community_tensions", &long)).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        let page = r.text().await.unwrap();
        assert!(
            page.contains("Community tensions must be 20000 characters or fewer")
                && page.contains("href=\"#community_tensions\""),
            "[{b}] the error names the part"
        );
        assert_eq!(
            app.db
                .narrative(
                    "Charnwood",
                    "2023/24".parse().unwrap(),
                    Some("2023-06".parse().unwrap())
                )
                .await
                .unwrap(),
            None,
            "[{b}]"
        );

        // Saved, with paragraphs, and shown back.
        let mut f = fields(
            "key_findings",
            "Shoplifting rose in the town centre.\r\n\r\nBurglary fell.",
        );
        f.push(("recommended_priorities", "Retail crime.".to_owned()));
        let r = post(f).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        let to = location(&r);
        assert_eq!(
            to,
            "/assessment/narrative?district=Charnwood&year=2023/24&as_at=2023-06&saved=1"
        );
        let page = analyst.get(&to).await.text().await.unwrap();
        assert!(
            page.contains("The analyst&#39;s assessment is saved.")
                && page.contains("Last saved by analyst"),
            "[{b}] {page}"
        );
        let explorer = analyst
            .get(&format!("/assessment?{query}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            explorer.contains("<p class=\"govuk-body\">Shoplifting rose in the town centre.</p>")
                && explorer.contains("<p class=\"govuk-body\">Burglary fell.</p>")
                && explorer.contains("Change the analyst's assessment"),
            "[{b}] the explorer shows it by paragraph"
        );
        // The printable assessment prints it after the summary; an empty
        // part is left out.
        let report = analyst
            .get(&format!("/assessment/report?{query}"))
            .await
            .text()
            .await
            .unwrap();
        let at = |s: &str| report.find(s).unwrap_or_else(|| panic!("[{b}] {s:?}"));
        assert!(at("The analyst") < at("Shoplifting rose in the town centre."));
        assert!(at("Key findings") < at("Recommended priorities"));
        assert!(at("Retail crime.") < at("Crime by category"));
        assert!(!report.contains("<h3>Emerging threats</h3>"), "[{b}]");
        // Another period has its own narrative.
        let whole = analyst
            .get("/assessment/report?district=Charnwood&year=2023/24")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            !whole.contains("Shoplifting rose in the town centre."),
            "[{b}]"
        );

        // Audited, naming the parts written.
        let log = app.db.audit_log(10).await.unwrap();
        let e = log
            .iter()
            .find(|e| e.action == "write_narrative")
            .expect("audited");
        assert_eq!(
            (e.target.as_str(), e.detail.as_str(), e.actor.as_str()),
            (
                "assessment Charnwood 2023/24 to 2023-06",
                "Key findings, Recommended priorities",
                "analyst"
            ),
            "[{b}]"
        );

        // The API reads it; only analysts write it.
        let (token, _) = app.token(Role::ReadOnlyPartner, &["read", "write"]).await;
        let http = reqwest::Client::new();
        let got: serde_json::Value = http
            .get(app.url(&format!("/api/v1/assessment/narrative?{query}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            got["key_findings"], "Shoplifting rose in the town centre.\n\nBurglary fell.",
            "[{b}] lines end in LF as stored"
        );
        assert_eq!(got["written_by"], "analyst", "[{b}]");
        let r = http
            .post(app.url(&format!("/api/v1/assessment/narrative?{query}")))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "key_findings": "mine" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "[{b}]");
        let (token, _) = app.token(Role::Analyst, &["read", "write"]).await;
        let r = http
            .post(app.url("/api/v1/assessment/narrative?district=Charnwood&year=2023/24"))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "emerging_threats": "  County lines.  " }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "[{b}]");
        let saved: serde_json::Value = r.json().await.unwrap();
        assert_eq!(
            (
                &saved["emerging_threats"],
                &saved["key_findings"],
                &saved["as_at"]
            ),
            (
                &serde_json::json!("County lines."),
                &serde_json::json!(""),
                &serde_json::Value::Null
            ),
            "[{b}] trimmed; a part left out is empty"
        );
        let r = http
            .post(app.url("/api/v1/assessment/narrative?district=Nowhere&year=2023/24"))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "key_findings": "x" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "[{b}] no such district");

        // Other roles see it but get no form.
        let officer = app.login_as(Role::CommunitySafetyOfficer).await;
        let explorer = officer
            .get(&format!("/assessment?{query}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            explorer.contains("Burglary fell.") && !explorer.contains("/assessment/narrative"),
            "[{b}]"
        );
        assert_eq!(
            officer
                .get(&format!("/assessment/narrative?{query}"))
                .await
                .status(),
            StatusCode::FORBIDDEN,
            "[{b}]"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_measures_commentary_is_printed_in_that_quarters_report() {
    for app in spawn_app().await {
        let b = app.backend;
        let plan = app.ids.plan.clone();
        let page_path = format!("/plans/{plan}/measures/p1-m1");
        let cso = app.login_as(Role::CommunitySafetyOfficer).await;
        let page = cso.get(&page_path).await.text().await.unwrap();
        assert!(
            page.contains("No commentary has been written yet.")
                && page.contains("Save the commentary"),
            "[{b}]"
        );
        let r = cso
            .post_form(
                &format!("{page_path}/commentary"),
                &[
                    ("comment_quarter", "2022/23-Q1"),
                    (
                        "commentary",
                        "Two burglary series were caught.\r\n\r\nA third is open.",
                    ),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        assert_eq!(location(&r), format!("{page_path}?commented=2022/23-Q1"));
        let page = cso.get(&location(&r)).await.text().await.unwrap();
        assert!(
            page.contains("The commentary for Quarter 1 of 2022/23")
                && page.contains("Two burglary series were caught."),
            "[{b}]"
        );
        // Too long: said at the field, nothing saved.
        let long = "x".repeat(safer_app::COMMENTARY_LIMIT + 1);
        let r = cso
            .post_form(
                &format!("{page_path}/commentary"),
                &[("comment_quarter", "2022/23-Q2"), ("commentary", &long)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        assert!(
            r.text().await.unwrap().contains("2000 characters or fewer"),
            "[{b}]"
        );

        // The quarter's report prints it under the measure, by paragraph;
        // another quarter's does not.
        let report = cso
            .get(&format!("/plans/{plan}/report?quarter=2022/23-Q1"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            report.contains("<strong>Commentary:</strong> <span class=\"commentary-para\">Two burglary series were caught.</span> <span class=\"commentary-para\">A third is open.</span>"),
            "[{b}]"
        );
        let other = cso
            .get(&format!("/plans/{plan}/report?quarter=2022/23-Q2"))
            .await
            .text()
            .await
            .unwrap();
        assert!(!other.contains("Two burglary series"), "[{b}]");
        // So does the review in the API.
        let (token, _) = app.token(Role::ReadOnlyPartner, &["read"]).await;
        let review: serde_json::Value = reqwest::Client::new()
            .get(app.url(&format!("/api/v1/plans/{plan}/review?quarter=2022/23-Q1")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let m = review["priorities"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["measures"].as_array().unwrap())
            .find(|m| m["id"] == "p1-m1")
            .unwrap()
            .clone();
        assert_eq!(
            m["commentary"], "Two burglary series were caught.\n\nA third is open.",
            "[{b}]"
        );

        // An analyst may rewrite it or remove it; a reader may not.
        let analyst = app.login_as(Role::Analyst).await;
        let r = analyst
            .post_form(
                &format!("{page_path}/commentary"),
                &[("comment_quarter", "2022/23-Q1"), ("commentary", "  ")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        assert!(
            app.db
                .commentaries(&plan, Some("p1-m1"), None)
                .await
                .unwrap()
                .is_empty(),
            "[{b}] removed"
        );
        let reader = app.login_as(Role::ReadOnlyPartner).await;
        let page = reader.get(&page_path).await.text().await.unwrap();
        assert!(!page.contains("Save the commentary"), "[{b}]");
        let r = reader
            .post_form(
                &format!("{page_path}/commentary"),
                &[("comment_quarter", "2022/23-Q1"), ("commentary", "mine")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "[{b}]");
        let log = app.db.audit_log(10).await.unwrap();
        let written: Vec<(&str, &str)> = log
            .iter()
            .filter(|e| e.action == "write_commentary")
            .map(|e| (e.actor.as_str(), e.detail.as_str()))
            .collect();
        assert_eq!(
            written,
            [
                ("analyst", "2022/23-Q1: removed"),
                ("community_safety_officer", "2022/23-Q1: 50 characters")
            ],
            "[{b}] newest first"
        );
        // The API writes and reads it the same way.
        let (token, _) = app.token(Role::Analyst, &["read", "write"]).await;
        let http = reqwest::Client::new();
        let url = app.url(&format!("/api/v1/plans/{plan}/measures/p1-m1/commentary"));
        let r = http
            .post(&url)
            .bearer_auth(&token)
            .json(&serde_json::json!({ "quarter": "2022-Q2", "text": "From the API." }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "[{b}]");
        let got: serde_json::Value = http
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            (&got[0]["text"], &got[0]["written_by"]),
            (
                &serde_json::json!("From the API."),
                &serde_json::json!("analyst")
            ),
            "[{b}]"
        );
        let r = http
            .post(&url)
            .bearer_auth(&token)
            .json(&serde_json::json!({ "quarter": "2031-Q2", "text": "Later." }))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{b}] outside the plan"
        );
        app.stop().await;
    }
}
