//! The pages show the real figures: dashboard, assessment with its map,
//! plan, fund, the printable reports and the import.

use reqwest::StatusCode;
use safer_domain::Role;

use crate::helpers::{police_uk_file, spawn_app};

#[tokio::test]
async fn the_pages_show_the_plan_the_assessment_and_the_fund() {
    for app in spawn_app().await {
        let b = app.backend;
        let c = app.login_as(Role::CommunitySafetyOfficer).await;

        // Dashboard: the plan held, its measures with status tags, for the
        // latest complete quarter held within the plan's years.
        let dash = c.get("/").await.text().await.unwrap();
        assert!(
            dash.contains("Charnwood Community Safety Partnership Plan 2020"),
            "[{b}]"
        );
        assert!(
            dash.contains("<option value=\"2022/23-Q1\" selected>"),
            "[{b}]"
        );
        assert!(dash.contains("class=\"govuk-tag govuk-tag--"), "[{b}]");
        assert!(dash.contains("Measures of priority 1"), "[{b}]");
        assert!(dash.contains("/fund/charnwood/2022-23?quarter=1"), "[{b}]");
        let r = c.get("/?quarter=2022-Q5").await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "[{b}]");

        // Assessment: tables and the beat map from the stored polygons.
        let r = c
            .get("/assessment?year=2023/24&as_at=2023-06&category=Burglary&beat=Beat%2056")
            .await;
        assert_eq!(r.status(), StatusCode::OK, "[{b}]");
        let page = r.text().await.unwrap();
        assert!(
            page.contains("<h1 class=\"govuk-heading-xl\">Charnwood 2023/24</h1>"),
            "[{b}]"
        );
        assert!(page.contains("<svg class=\"safer-map\""), "[{b}]");
        assert!(page.contains("<title>Beat 56: "), "[{b}]");
        assert!(
            page.contains("stroke=\"#ffdd00\""),
            "[{b}] the chosen beat stands out"
        );
        assert!(page.contains("Crime by category in Charnwood"));
        assert!(page.contains("All crime by beat"));
        assert!(page.contains("Beat 56: records by category this year"));
        assert!(page.contains("<option value=\"Burglary\" selected>"));
        assert!(!page.contains("style="), "no inline styles");
        let r = c.get("/assessment?district=Nowhere").await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);

        // The printable report: its own style block allowed by hash only.
        let r = c.get("/assessment/report?year=2023/24").await;
        assert_eq!(r.status(), StatusCode::OK);
        let csp = r
            .headers()
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            csp.contains("style-src 'sha256-")
                && !csp.contains("unsafe-inline")
                && !csp.contains("script-src"),
            "{csp}"
        );
        let report = r.text().await.unwrap();
        assert!(report.contains("Partnership Strategic Assessment: Charnwood 2023/24"));
        // A report served here keeps the site's menu and a way back, on
        // screen only.
        assert!(
            report.contains("<nav class=\"app-header__nav no-print\" aria-label=\"Menu\">")
                && report.contains("<a href=\"/plans\">Plans</a>")
                && report.contains("<a class=\"back-link\" href=\"/assessment?district=Charnwood&amp;year=2023/24\">Back to the assessment</a>")
                && report.contains(".no-print{display:none}"),
            "the report keeps the header: {}",
            &report[..report.find("<h1").unwrap_or(0)]
        );
        let r = c
            .get(&format!("/plans/{}/report?quarter=2022-Q1", app.ids.plan))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(
            r.headers()
                .get("content-security-policy")
                .unwrap()
                .to_str()
                .unwrap()
                .contains("'sha256-")
        );
        let report = r.text().await.unwrap();
        assert!(
            report.contains("<a href=\"/assessment\">Assessment</a>")
                && report.contains(&format!(
                    "<a class=\"back-link\" href=\"/plans/{}\">Back to the plan</a>",
                    app.ids.plan
                )),
            "the quarterly report keeps the header"
        );

        // The plan and its action plan.
        let plan = c
            .get(&format!("/plans/{}", app.ids.plan))
            .await
            .text()
            .await
            .unwrap();
        assert!(plan.contains("What will we aim to achieve?"), "[{b}]");
        assert!(
            plan.contains("Run four awareness events") && plan.contains("Overdue"),
            "[{b}]"
        );

        // The fund and its downloads.
        let fund = c
            .get("/fund/charnwood/2022-23?quarter=2")
            .await
            .text()
            .await
            .unwrap();
        assert!(fund.contains("Partnership Locality Fund 2022/23"), "[{b}]");
        assert!(
            fund.contains("Diversionary football") && fund.contains("£50,000.00"),
            "[{b}]"
        );
        assert!(fund.contains("Underspend"), "[{b}]");
        let r = c.get("/fund/charnwood/2022-23/return.xlsx?quarter=2").await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(
            r.headers().get("content-type").unwrap(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert!(r.bytes().await.unwrap().starts_with(b"PK"));
        assert_eq!(
            c.get("/fund/charnwood/2030-31").await.status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            c.get("/fund/charnwood/2022-23?quarter=7").await.status(),
            StatusCode::BAD_REQUEST
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn analysts_import_police_uk_files_all_or_nothing() {
    for app in spawn_app().await {
        let b = app.backend;
        let c = app.login_as(Role::Analyst).await;
        let form = c.get("/import").await.text().await.unwrap();
        assert!(form.contains("enctype=\"multipart/form-data\""));
        let token = crate::helpers::csrf_in(&form).unwrap();
        let manifest = app.data_dir.join("crimes/manifest.json");
        let before = std::fs::read(&manifest).unwrap();

        // A bad file: nothing is kept.
        let good = std::fs::read(police_uk_file("2022-01")).unwrap();
        let r = c
            .post_multipart(
                "/import",
                &[
                    ("csrf_token", None, token.clone().into_bytes()),
                    (
                        "files",
                        Some("2022-01-leicestershire-street.csv"),
                        good.clone(),
                    ),
                    (
                        "files",
                        Some("2022-02-leicestershire-street.csv"),
                        b"not,a,police.uk,file\n".to_vec(),
                    ),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        let body = r.text().await.unwrap();
        assert!(body.contains("Nothing was imported."), "[{b}]");
        assert!(
            body.contains("2022-02-leicestershire-street.csv"),
            "[{b}] the file is named"
        );
        assert!(!body.contains("/tmp"), "[{b}] no temporary paths");
        assert_eq!(std::fs::read(&manifest).unwrap(), before, "[{b}]");

        // A badly named file is refused before anything is read.
        let r = c
            .post_multipart(
                "/import",
                &[
                    ("csrf_token", None, token.clone().into_bytes()),
                    ("files", Some("crimes.csv"), good.clone()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("not named as police.uk names its files")
        );

        // A good file is imported and reported.
        let r = c
            .post_multipart(
                "/import",
                &[
                    ("csrf_token", None, token.into_bytes()),
                    ("files", Some("2022-01-leicestershire-street.csv"), good),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "[{b}]");
        let body = r.text().await.unwrap();
        assert!(body.contains("Import complete"), "[{b}]");
        assert!(body.contains("2022-01-leicestershire-street.csv"));
        let entries = safer_store::DataDir::open(&app.data_dir)
            .unwrap()
            .crimes()
            .unwrap()
            .entries()
            .unwrap();
        assert!(entries.iter().any(|e| e.month.to_string() == "2022-01"));
        let log = app.db.audit_log(100).await.unwrap();
        assert!(
            log.iter()
                .any(|e| e.action == "import_police_uk"
                    && e.detail.contains("leicestershire 2022-01")),
            "[{b}]"
        );
        app.stop().await;
    }
}

/// The police.uk zip uploads as it comes, and a file much smaller than the
/// month it replaces asks for confirmation before it is imported.
#[tokio::test]
async fn uploads_take_the_police_uk_zip_and_confirm_short_files() {
    use std::io::Write;
    for app in spawn_app().await {
        let b = app.backend;
        let c = app.login_as(Role::Analyst).await;
        let form = c.get("/import").await.text().await.unwrap();
        let token = crate::helpers::csrf_in(&form).unwrap();

        let mut zip_bytes = Vec::new();
        {
            let mut w = zip::ZipWriter::new(std::io::Cursor::new(&mut zip_bytes));
            let opts = zip::write::SimpleFileOptions::default();
            w.start_file("2022-01/2022-01-leicestershire-street.csv", opts)
                .unwrap();
            w.write_all(&std::fs::read(police_uk_file("2022-01")).unwrap())
                .unwrap();
            w.start_file("2022-01/2022-01-leicestershire-outcomes.csv", opts)
                .unwrap();
            w.write_all(b"Crime ID\n").unwrap();
            w.finish().unwrap();
        }
        let r = c
            .post_multipart(
                "/import",
                &[
                    ("csrf_token", None, token.clone().into_bytes()),
                    ("files", Some("download.zip"), zip_bytes),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "[{b}]");
        let body = r.text().await.unwrap();
        assert!(body.contains("Import complete"), "[{b}] {body}");
        assert!(body.contains("Files left out"), "[{b}]");
        assert!(
            body.contains("2022-01-leicestershire-outcomes.csv: a police.uk outcomes file"),
            "[{b}]"
        );

        // Half of a month held: refused, with the figures and a checkbox.
        let full = std::fs::read_to_string(police_uk_file("2022-01")).unwrap();
        let half: String = full
            .lines()
            .take(1 + 667)
            .map(|l| format!("{l}\n"))
            .collect();
        let manifest = app.data_dir.join("crimes/manifest.json");
        let before = std::fs::read(&manifest).unwrap();
        let send = |accept: bool| {
            let mut parts = vec![("csrf_token", None, token.clone().into_bytes())];
            if accept {
                parts.push(("accept_smaller", None, b"yes".to_vec()));
            }
            parts.push((
                "files",
                Some("2022-01-leicestershire-street.csv"),
                half.clone().into_bytes(),
            ));
            parts
        };
        let r = c.post_multipart("/import", &send(false)).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        let body = r.text().await.unwrap();
        assert!(
            body.contains("leicestershire 2022-01: 667 rows, 50% of the 1334 rows"),
            "[{b}] {body}"
        );
        assert!(body.contains("name=\"accept_smaller\""), "[{b}]");
        assert_eq!(std::fs::read(&manifest).unwrap(), before, "[{b}]");
        let r = c.post_multipart("/import", &send(true)).await;
        assert_eq!(r.status(), StatusCode::OK, "[{b}]");
        let body = r.text().await.unwrap();
        assert!(
            body.contains("Imported although smaller than expected"),
            "[{b}]"
        );
        app.stop().await;
    }
}

/// The explorer lists only districts whose own force's files are held,
/// shows a category's share the same on the map and in the table, and
/// offers every table as CSV.
#[tokio::test]
async fn the_explorer_lists_districts_held_and_offers_every_table() {
    let header = safer_ingest::police_uk::HEADER.join(",");
    let row = |lsoa: &str, name: &str, cat: &str| {
        format!(
            ",2023-04,British Transport Police,British Transport Police,-0.14,51.5,On or near Station,{lsoa},{name},{cat},,"
        )
    };
    let btp = format!(
        "{header}\n{}\n{}\n{}\n{}\n",
        row("E01004736", "Westminster 018A", "Theft from the person"),
        row("E01004736", "Westminster 018A", "Public order"),
        row("E01025679", "Charnwood 009A", "Public order"),
        row("E01025679", "Charnwood 009A", "Public order"),
    );
    for app in spawn_app().await {
        let b = app.backend;
        let analyst = app.login_as(Role::Analyst).await;
        let form = analyst.get("/import").await.text().await.unwrap();
        let token = crate::helpers::csrf_in(&form).unwrap();
        let r = analyst
            .post_multipart(
                "/import",
                &[
                    ("csrf_token", None, token.into_bytes()),
                    (
                        "files",
                        Some("2023-04-btp-street.csv"),
                        btp.clone().into_bytes(),
                    ),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "[{b}]");

        let c = app.login_as(Role::CommunitySafetyOfficer).await;
        let page = c
            .get("/assessment?year=2023/24&as_at=2023-06&category=Public%20order")
            .await
            .text()
            .await
            .unwrap();
        // Westminster's records are British Transport Police's only: its
        // own force's files are not held, so it is not offered.
        assert!(
            page.contains("<option value=\"Charnwood\" selected>"),
            "[{b}]"
        );
        assert!(!page.contains("Westminster"), "[{b}]");
        let r = c.get("/assessment?district=Westminster").await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "[{b}]");

        // April to June of both years are held: compared like for like.
        assert!(page.contains(">This year</th>"), "[{b}]");
        assert!(page.contains("compared like for like"), "[{b}]");
        // Each beat's share of the category: the map's title and the table
        // cell say the same.
        let mut compared = 0;
        for n in 56..=65 {
            let beat = format!("Beat {n}");
            let Some(at) = page.find(&format!("<title>{beat}: ")) else {
                continue;
            };
            let title = &page[at..at + page[at..].find("</title>").unwrap()];
            let share = title
                .rsplit(", ")
                .next()
                .unwrap()
                .trim_end_matches(" of the district");
            let link = format!(">{beat}</a></th>");
            let row_at = page.find(&link).unwrap();
            let row = &page[row_at..row_at + page[row_at..].find("</tr>").unwrap()];
            let last = row.rsplit("numeric\">").next().unwrap();
            let last = last.split('<').next().unwrap();
            assert_eq!(share, last, "[{b}] {beat}: map {title}, table {row}");
            compared += 1;
        }
        assert_eq!(compared, 10, "[{b}]");

        // Every table as CSV, as `safer assess` writes it; downloads are audited.
        for file in safer_report::CSV_FILES {
            let r = c
                .get(&format!(
                    "/assessment/tables/{file}?district=Charnwood&year=2023/24&as_at=2023-06"
                ))
                .await;
            assert_eq!(r.status(), StatusCode::OK, "[{b}] {file}");
            assert!(
                r.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("text/csv"),
                "[{b}]"
            );
            assert!(
                r.headers()["content-disposition"]
                    .to_str()
                    .unwrap()
                    .contains(&format!("charnwood-2023-24-to-2023-06-{}", file)),
                "[{b}] {file}"
            );
            let body = r.text().await.unwrap();
            assert!(body.lines().count() > 1, "[{b}] {file}");
        }
        let r = c
            .get("/assessment/tables/categories.csv?district=Charnwood&year=2023/24")
            .await;
        let body = r.text().await.unwrap();
        assert!(
            body.starts_with("category,kind,compared_previous,compared_current,change"),
            "[{b}]"
        );
        let r = c.get("/assessment/tables/secrets.csv?year=2023/24").await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "[{b}]");
        let log = app.db.audit_log(200).await.unwrap();
        assert!(
            log.iter().any(|e| e.action == "export"
                && e.target == "assessment Charnwood 2023/24 categories.csv"),
            "[{b}]"
        );
        app.stop().await;
    }
}

/// The plan page marks an action overdue by the application's clock: not on
/// its due date, from the day after.
#[tokio::test]
async fn actions_are_overdue_by_the_applications_clock() {
    for app in spawn_app().await {
        let b = app.backend;
        let c = app.login_as(Role::CommunitySafetyOfficer).await;
        let page = format!("/plans/{}", app.ids.plan);
        let overdue = "govuk-tag--red\">Overdue</strong>";
        let noon = |date: &str| {
            let d: safer_domain::Date = date.parse().unwrap();
            safer_domain::Timestamp::from_unix_seconds(d.to_unix_seconds() + 12 * 3600)
        };
        // Both seeded actions are due on 30 September 2022.
        app.clock.set(noon("2022-09-30"));
        let before = c.get(&page).await.text().await.unwrap();
        assert_eq!(before.matches(overdue).count(), 0, "[{b}]");
        app.clock.set(noon("2022-10-01"));
        let after = c.get(&page).await.text().await.unwrap();
        assert_eq!(after.matches(overdue).count(), 2, "[{b}]");
        app.stop().await;
    }
}

/// The fund opens at the current quarter of its year, by the application's
/// clock, and its profile (what should be spent by then) follows.
#[tokio::test]
async fn the_fund_opens_at_todays_quarter() {
    for app in spawn_app().await {
        let b = app.backend;
        let c = app.login_as(Role::CommunitySafetyOfficer).await;
        let on = |date: &str| {
            let d: safer_domain::Date = date.parse().unwrap();
            safer_domain::Timestamp::from_unix_seconds(d.to_unix_seconds() + 12 * 3600)
        };
        for (date, quarter) in [
            ("2022-05-10", 1),
            ("2022-11-10", 3),
            ("2023-03-31", 4),
            ("2024-06-01", 4),
        ] {
            app.clock.set(on(date));
            let page = c.get("/fund/charnwood/2022-23").await.text().await.unwrap();
            assert!(
                page.contains(&format!("Spent to the end of quarter {quarter}<")),
                "[{b}] {date}"
            );
            assert!(
                page.contains(&format!("return.csv?quarter={quarter}\"")),
                "[{b}] {date}"
            );
        }
        app.stop().await;
    }
}

/// Text is shown as written, whatever it begins with: an agency, a key
/// action or an outcome beginning with `=` or `#` keeps that character, and
/// none is taken for a table cell's marker.
#[tokio::test]
async fn text_beginning_with_markers_is_shown_as_written() {
    for app in spawn_app().await {
        let b = app.backend;
        let plan = app.db.plan(&app.ids.plan).await.unwrap();
        let lead = app
            .db
            .add_agency("=Equals Trust", false, &crate::helpers::seeded())
            .await
            .unwrap();
        app.db
            .add_action(
                &safer_store::db::NewAction {
                    plan_id: plan.id.clone(),
                    priority_id: plan.priorities[0].id.clone(),
                    aim: safer_domain::Aim::Confidence,
                    key_action: "=SUM(A1) leaflets".into(),
                    lead_agency_id: lead,
                    start: "2022-04-01".parse().unwrap(),
                    due: "2022-09-30".parse().unwrap(),
                    financial_implications: String::new(),
                    resource_implications: String::new(),
                    outcome_target: "#1 in the county \u{1}".into(),
                    measure_id: None,
                },
                "test",
                &crate::helpers::seeded(),
            )
            .await
            .unwrap();
        let c = app.login_as(Role::CommunitySafetyOfficer).await;
        let page = c
            .get(&format!("/plans/{}", app.ids.plan))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains(">=SUM(A1) leaflets</span>"), "[{b}]");
        assert!(
            page.contains("<td class=\"govuk-table__cell\">=Equals Trust</td>"),
            "[{b}]"
        );
        assert!(
            page.contains("target: #1 in the county \u{1}</span>"),
            "[{b}]"
        );
        app.stop().await;
    }
}
