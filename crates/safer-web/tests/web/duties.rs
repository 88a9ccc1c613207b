//! The statutory duties over HTTP: a Community Trigger application from
//! the public form to the published s104(10) table; the ladder's rules
//! explained on refusal; a Domestic Homicide Review seen only by its
//! panel; every clock on the overdue board the day it is overdue; a step
//! of the ladder counted in the quarterly report.

use reqwest::StatusCode;
use safer_domain::casework::access::CaseScope;
use safer_domain::casework::case::{CaseRole, RiskLevel};
use safer_domain::casework::person::{Birth, Person};
use safer_domain::{CaseId, Date, Role};
use safer_store::db::NewCase;

use crate::helpers::{App, agency_of, seeded, spawn_app};

fn today(app: &App) -> Date {
    Date::from_unix_seconds(app.clock_now()).expect("today")
}

fn days(d: Date, n: i64) -> String {
    d.plus_days(n).expect("date").to_string()
}

/// A case led by the caseworker's agency with a perpetrator born as
/// given; returns the case and the perpetrator.
async fn case_with_perpetrator(app: &App, birth: Birth) -> (CaseId, safer_domain::PersonId) {
    let agencies = app.db.agencies().await.expect("agencies");
    let own = agencies
        .iter()
        .find(|a| a.name == agency_of(Role::Caseworker))
        .expect("agency")
        .id;
    let case = app
        .db
        .open_case(
            &NewCase {
                forum: "jag".into(),
                case_type: "asb".into(),
                title: "Noise and threats on Willow Row".into(),
                risk: RiskLevel::Medium,
                lead_agency_id: own,
                lead_officer: "PC Lead".into(),
                involved: vec![],
                people: vec![],
                new_people: vec![(
                    Person {
                        name: "Pat Perpetrator".into(),
                        aliases: vec![],
                        birth,
                        address: None,
                        vulnerabilities: Default::default(),
                    },
                    CaseRole::Perpetrator,
                )],
                reason: "Threats to neighbours".into(),
                referred_on: today(app).plus_days(-200).expect("date"),
                referrer_agency_id: own,
            },
            "test",
            &seeded(),
        )
        .await
        .expect("case");
    let scope = CaseScope {
        agency: None,
        denied_types: Default::default(),
    };
    let person = app
        .db
        .case_in_scope(case, &scope)
        .await
        .expect("case")
        .people[0]
        .0;
    (case, person)
}

/// The table row of an HTML page that holds `text`.
fn row_with<'a>(html: &'a str, text: &str) -> Option<&'a str> {
    html.split("<tr").find(|r| r.contains(text))
}

#[tokio::test]
async fn a_community_trigger_goes_from_the_public_form_to_the_published_table() {
    for app in spawn_app().await {
        let b = app.backend;
        let t = today(&app);
        let public = app.client();
        let form = public.get("/community-trigger").await;
        assert_eq!(form.status(), StatusCode::OK, "[{b}]");
        let page = form.text().await.unwrap();
        assert!(
            page.contains("Three qualifying complaints always meet the threshold"),
            "[{b}]"
        );
        // A robot fills the hidden field: thanked, nothing kept.
        let before = app
            .db
            .triggers(safer_store::db::TriggerReader::All)
            .await
            .unwrap()
            .len();
        let r = public
            .post_form(
                "/community-trigger",
                &[
                    ("website", "http://spam.example"),
                    ("applicant_name", "Robot"),
                    ("applicant_contact", "robot@example.org"),
                    ("address", "x"),
                    ("behaviour", "x"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "[{b}]");
        assert_eq!(
            app.db
                .triggers(safer_store::db::TriggerReader::All)
                .await
                .unwrap()
                .len(),
            before,
            "[{b}] a robot's application is not kept"
        );
        // A missing name is named by its field, and nothing is written.
        let r = public
            .post_form(
                "/community-trigger",
                &[("applicant_contact", "x@example.org")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        assert!(
            r.text().await.unwrap().contains("href=\"#applicant_name\""),
            "[{b}]"
        );
        // Three incidents, the first reported to two agencies (one
        // complaint), each within a month: with the third report, three.
        let (d1, d2, d3, d4) = (days(t, -100), days(t, -60), days(t, -30), days(t, -10));
        let fields = [
            ("applicant_name", "Robin Resident"),
            ("applicant_contact", "robin@example.org"),
            ("address", "7 Willow Row"),
            ("behaviour", "Motorbikes on the green <b>every night</b>"),
            ("no_effective_action", "yes"),
            ("happened_1", d1.as_str()),
            ("reported_1", d1.as_str()),
            ("to_1", "Police"),
            ("ref_1", "INC-1"),
            ("happened_2", d1.as_str()),
            ("reported_2", d1.as_str()),
            ("to_2", "Council"),
            ("ref_2", "INC-1"),
            ("happened_3", d2.as_str()),
            ("reported_3", d2.as_str()),
            ("to_3", "Police"),
            ("happened_4", d3.as_str()),
            ("reported_4", d4.as_str()),
            ("to_4", "Housing"),
        ];
        let r = public.post_form("/community-trigger", &fields).await;
        assert_eq!(r.status(), StatusCode::OK, "[{b}]");
        let done = r.text().await.unwrap();
        let year = t.year();
        assert!(done.contains(&format!("CT-{year}-")), "[{b}] {done}");
        let reference = done
            .split(&format!("CT-{year}-"))
            .nth(1)
            .map(|s| format!("CT-{year}-{}", &s[..4]))
            .unwrap();
        // The point of contact sees it, with the rules' explained finding.
        let cso = app.login_as(Role::CommunitySafetyOfficer).await;
        let list = cso.get("/triggers").await.text().await.unwrap();
        assert!(list.contains(&reference), "[{b}]");
        let id = app
            .db
            .triggers(safer_store::db::TriggerReader::All)
            .await
            .unwrap()
            .into_iter()
            .find(|x| x.reference == reference)
            .unwrap()
            .id;
        let page = cso
            .get(&format!("/triggers/{id}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("The rules find the threshold met"), "[{b}]");
        assert!(
            page.contains("Not counted again: the same incident as complaint 1"),
            "[{b}]"
        );
        assert!(
            page.contains("&#60;b&#62;every night&#60;/b&#62;"),
            "[{b}] escaped"
        );
        assert!(!page.contains("<b>every night</b>"), "[{b}]");
        // A caseworker of another agency: no such application.
        let cw = app.login_as(Role::Caseworker).await;
        assert_eq!(
            cw.get(&format!("/triggers/{id}")).await.status(),
            StatusCode::NOT_FOUND,
            "[{b}]"
        );
        assert!(
            !cw.get("/triggers")
                .await
                .text()
                .await
                .unwrap()
                .contains(&reference),
            "[{b}]"
        );
        // The statutory three: "not met" is refused.
        let r = cso
            .post_form(
                &format!("/triggers/{id}/decision"),
                &[("decision", "not_met"), ("note", "x")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        assert!(
            r.text().await.unwrap().contains("must be treated as met"),
            "[{b}]"
        );
        let post = |path: String, f: Vec<(&'static str, String)>| {
            let cso = &cso;
            async move {
                let pairs: Vec<(&str, &str)> = f.iter().map(|(a, b)| (*a, b.as_str())).collect();
                cso.post_form(&path, &pairs).await
            }
        };
        for (path, f) in [
            ("acknowledge", vec![]),
            ("decision", vec![("decision", "met".to_owned())]),
            (
                "meeting",
                vec![("on", days(t, 0)), ("victim_invited", "yes".into())],
            ),
            (
                "recommendations",
                vec![
                    ("body", "Charnwood Borough Council".into()),
                    ("text", "Bollards at the green's entrance".into()),
                    ("due", days(t, 30)),
                ],
            ),
            (
                "review",
                vec![
                    ("on", days(t, 0)),
                    ("outcome", "A joint plan is agreed.".into()),
                ],
            ),
        ] {
            let r = post(format!("/triggers/{id}/{path}"), f).await;
            assert_eq!(
                r.status(),
                StatusCode::SEE_OTHER,
                "[{b}] {path}: {}",
                r.text().await.unwrap()
            );
        }
        // The letters, from the templates.
        let letter = cso
            .get(&format!("/triggers/{id}/letter?kind=threshold_met"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            letter.contains("Dear Robin Resident") && letter.contains(&reference),
            "[{b}]"
        );
        let outcome = cso
            .get(&format!("/triggers/{id}/letter?kind=outcome"))
            .await
            .text()
            .await
            .unwrap();
        assert!(outcome.contains("Bollards at the green"), "[{b}]");
        // The published figures: anyone, counts only, adding up.
        let from = days(t, -300);
        let to = days(t, 0);
        let stats = public
            .get(&format!(
                "/community-trigger/statistics?from={from}&to={to}"
            ))
            .await;
        assert_eq!(stats.status(), StatusCode::OK, "[{b}]");
        let html = stats.text().await.unwrap();
        assert!(!html.contains("Robin"), "[{b}] no names in the figures");
        let csv = public
            .get(&format!(
                "/community-trigger/statistics.csv?from={from}&to={to}"
            ))
            .await
            .text()
            .await
            .unwrap();
        let n = |what: &str| -> u64 {
            csv.lines()
                .find(|l| l.contains(what))
                .and_then(|l| l.rsplit(',').next())
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("[{b}] {what} in {csv}"))
        };
        assert_eq!(n("Applications received"), 1, "[{b}]");
        assert_eq!(n("Threshold not met"), 0, "[{b}]");
        assert_eq!(n("Threshold met"), 1, "[{b}]");
        assert_eq!(n("Reviews carried out"), 1, "[{b}]");
        assert_eq!(n("Reviews that made recommendations"), 1, "[{b}]");
        assert_eq!(
            n("Applications received"),
            n("Threshold not met") + n("Rejected") + n("Threshold met") + n("Awaiting a decision"),
            "[{b}] the columns add up"
        );
        // More than twelve months is refused (s104(10)).
        let r = public
            .get(&format!(
                "/community-trigger/statistics?from={}&to={to}",
                days(t, -400)
            ))
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        app.stop().await;
    }
}

#[tokio::test]
async fn the_public_form_is_limited_per_address() {
    for app in spawn_app().await {
        let b = app.backend;
        let c = app.client();
        let _ = c.get("/community-trigger").await;
        let mut statuses = Vec::new();
        for _ in 0..7 {
            statuses.push(
                c.post_form("/community-trigger", &[("applicant_name", "")])
                    .await
                    .status(),
            );
        }
        assert_eq!(statuses[0], StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        assert_eq!(
            *statuses.last().unwrap(),
            StatusCode::TOO_MANY_REQUESTS,
            "[{b}]"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_ladder_explains_what_it_refuses() {
    for app in spawn_app().await {
        let b = app.backend;
        let (case, person) = case_with_perpetrator(&app, Birth::AgeBand { from: 15, to: 15 }).await;
        let cw = app.login_as(Role::Caseworker).await;
        let t = today(&app);
        let p = person.to_string();
        let take = |step: &'static str, on: String, extra: Vec<(&'static str, String)>| {
            let cw = &cw;
            let p = p.clone();
            async move {
                let mut f: Vec<(&str, String)> =
                    vec![("person", p), ("step", step.into()), ("on", on)];
                f.extend(extra);
                let pairs: Vec<(&str, &str)> = f.iter().map(|(a, b)| (*a, b.as_str())).collect();
                cw.post_form(&format!("/cases/{case}/steps"), &pairs).await
            }
        };
        // A Community Protection Warning for a 15-year-old: refused, why.
        let r = take(
            "community_protection_warning",
            days(t, -50),
            vec![
                ("serious_risk", "Threats".into()),
                ("days_to_comply", "14".into()),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        assert!(
            r.text().await.unwrap().contains("aged 16 or over (s43(1))"),
            "[{b}]"
        );
        // Skipping the first steps needs a serious-risk reason.
        let r = take("final_warning", days(t, -50), vec![]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("a step may be skipped only for serious risk"),
            "[{b}]"
        );
        for (step, d) in [
            ("early_intervention", -50),
            ("first_warning", -40),
            ("final_warning", -30),
        ] {
            let r = take(step, days(t, d), vec![]).await;
            assert_eq!(
                r.status(),
                StatusCode::SEE_OTHER,
                "[{b}] {step}: {}",
                r.text().await.unwrap()
            );
        }
        // A contract for a young person needs their parent or guardian.
        let terms = ("terms", "Not to enter the green after 8pm".to_owned());
        let signed = days(t, -20);
        let r = take(
            "acceptable_behaviour_contract",
            signed.clone(),
            vec![
                terms.clone(),
                (
                    "parties",
                    format!("Pat Perpetrator; person; {signed}\nCouncil; agency; {signed}"),
                ),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("parent or guardian takes part"),
            "[{b}]"
        );
        let r = take(
            "acceptable_behaviour_contract",
            signed.clone(),
            vec![terms, ("parties", format!("Pat Perpetrator; person; {signed}\nSam Parent; parent; {signed}\nCouncil; agency; {signed}"))],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        let page = cw
            .get(&format!("/cases/{case}/escalation"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("Running: review due"), "[{b}]");
        assert!(page.contains("Young person"), "[{b}]");
        // A case the reader may not see: no such case, on the ladder too.
        let fire = app.login_as(Role::ReadOnlyPartner).await;
        assert_eq!(
            fire.get(&format!("/cases/{case}/escalation"))
                .await
                .status(),
            StatusCode::FORBIDDEN,
            "[{b}]"
        );
        let lead = app.login_as(Role::AgencyLead).await;
        assert_eq!(
            lead.get(&format!("/cases/{case}/escalation"))
                .await
                .status(),
            StatusCode::NOT_FOUND,
            "[{b}]"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_domestic_homicide_review_is_seen_only_by_its_panel() {
    for app in spawn_app().await {
        let b = app.backend;
        let id = app.ids.dhr;
        let cso = app.login_as(Role::CommunitySafetyOfficer).await;
        let page = cso.get(&format!("/dhrs/{id}")).await;
        assert_eq!(page.status(), StatusCode::OK, "[{b}]");
        assert!(page.text().await.unwrap().contains("Adult F"), "[{b}]");
        let jag = app.login_as(Role::JagCoordinator).await;
        let r = jag.get(&format!("/dhrs/{id}")).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "[{b}]");
        assert!(!r.text().await.unwrap().contains("Adult F"), "[{b}]");
        assert!(
            !jag.get("/dhrs")
                .await
                .text()
                .await
                .unwrap()
                .contains("Adult F"),
            "[{b}]"
        );
        assert!(
            !jag.get("/overdue")
                .await
                .text()
                .await
                .unwrap()
                .contains("Adult F"),
            "[{b}]"
        );
        let r = jag
            .post_form(&format!("/dhrs/{id}/stage"), &[("stage", "review")])
            .await;
        assert_eq!(
            r.status(),
            StatusCode::NOT_FOUND,
            "[{b}] no change from outside the panel"
        );
        let log = app.db.audit_log(200).await.unwrap();
        assert!(
            log.iter()
                .any(|e| e.action == "access_denied" && e.target == format!("review {id}")),
            "[{b}] the attempt is audited"
        );
        // Publication before quality assurance is refused, with the rule.
        let r = cso
            .post_form(
                &format!("/dhrs/{id}/stage"),
                &[("stage", "review"), ("note", "Criteria met")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        let r = cso
            .post_form(&format!("/dhrs/{id}/stage"), &[("stage", "published")])
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("approved by the Home Office Quality Assurance Panel"),
            "[{b}]"
        );
        // On the panel, the coordinator sees it.
        let r = cso
            .post_form(
                &format!("/dhrs/{id}/panel"),
                &[("username", Role::JagCoordinator.as_str())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        assert_eq!(
            jag.get(&format!("/dhrs/{id}")).await.status(),
            StatusCode::OK,
            "[{b}]"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn every_clock_is_on_the_board_the_day_it_is_overdue() {
    use safer_domain::casework::escalation::{AbcParty, PartyRole, Step};
    use safer_store::db::{AbcRecord, NewIntervention};
    for app in spawn_app().await {
        let b = app.backend;
        let t = today(&app);
        let (case, person) = case_with_perpetrator(&app, Birth::AgeBand { from: 30, to: 39 }).await;
        let agency = app
            .db
            .case_in_scope(
                case,
                &CaseScope {
                    agency: None,
                    denied_types: Default::default(),
                },
            )
            .await
            .unwrap()
            .lead_agency_id;
        let everything = CaseScope {
            agency: None,
            denied_types: Default::default(),
        };
        let step = |step: Step, on: Date, days_to_comply: Option<u32>| NewIntervention {
            person,
            step,
            taken_on: on,
            days_to_comply,
            serious_risk: None,
            youth: false,
            parent_involved: false,
            yjs_involved: false,
            notes: String::new(),
            agency_id: agency,
        };
        let signed = t.plus_days(-10).unwrap();
        let terms = safer_domain::casework::escalation::AbcTerms::default();
        let abc = AbcRecord {
            terms: vec!["Keep the peace".into()],
            parties: vec![AbcParty {
                name: "Pat".into(),
                role: PartyRole::Subject,
                signed_on: Some(signed),
            }],
            review_on: terms.review_on(signed).unwrap(),
            ends_on: terms.ends_on(signed).unwrap(),
            reviewed_on: None,
            review_note: None,
            ended_early_on: None,
            ended_reason: None,
        };
        app.db
            .add_intervention(
                case,
                &everything,
                &step(Step::AcceptableBehaviourContract, signed, None),
                Some(&abc),
                "test",
                &seeded(),
            )
            .await
            .unwrap();
        let cpw_on = t.plus_days(-5).unwrap();
        app.db
            .add_intervention(
                case,
                &everything,
                &step(Step::CommunityProtectionWarning, cpw_on, Some(7)),
                None,
                "test",
                &seeded(),
            )
            .await
            .unwrap();
        let cso = app.login_as(Role::CommunitySafetyOfficer).await;
        let jag = app.login_as(Role::JagCoordinator).await;
        // Each clock: what the board says, and its due day.
        let holidays = safer_domain::BankHolidays::england_and_wales();
        let rules = safer_domain::casework::trigger::TriggerRules::llr();
        let seeded_received: Date = "2024-05-01".parse().unwrap();
        let cw = app.login_as(Role::Caseworker).await;
        // The case's clocks are the coordinator's and the lead agency's
        // caseworker's; the application's and the review's the officer's.
        let clocks: Vec<(&str, Date, Vec<&crate::helpers::Client>)> = vec![
            ("Review the contract", abc.review_on, vec![&jag, &cw]),
            (
                "The contract ends: confirm it was kept",
                abc.ends_on,
                vec![&jag, &cw],
            ),
            (
                "Check compliance: the time to comply ended",
                cpw_on.plus_days(8).unwrap(),
                vec![&jag, &cw],
            ),
            (
                "Acknowledge the application",
                rules
                    .timescales
                    .acknowledge_by(seeded_received, &holidays)
                    .unwrap(),
                vec![&cso, &cw],
            ),
            (
                "Decide whether the threshold is met",
                rules
                    .timescales
                    .decision_by(seeded_received, &holidays)
                    .unwrap(),
                vec![&cso],
            ),
            (
                "Decide whether to hold a review",
                "2024-06-01".parse().unwrap(),
                vec![&cso],
            ),
        ];
        for (what, due, readers) in clocks {
            for c in readers {
                let on_day = c
                    .get(&format!("/overdue?as_of={due}"))
                    .await
                    .text()
                    .await
                    .unwrap();
                let row =
                    row_with(&on_day, what).unwrap_or_else(|| panic!("[{b}] {what} on {due}"));
                assert!(row.contains("Due today"), "[{b}] {what} on {due}: {row}");
                let after = c
                    .get(&format!("/overdue?as_of={}", due.plus_days(1).unwrap()))
                    .await
                    .text()
                    .await
                    .unwrap();
                let row =
                    row_with(&after, what).unwrap_or_else(|| panic!("[{b}] {what} after {due}"));
                assert!(
                    row.contains("Overdue") && row.contains("1 day late"),
                    "[{b}] {what} the day after {due}: {row}"
                );
            }
        }
        // Nobody sees a clock of a record they may not see.
        let board = cso
            .get(&format!("/overdue?as_of={}", abc.review_on))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            row_with(&board, "Review the contract").is_none(),
            "[{b}] the officer's agency is not on the case"
        );
        // A case due for review by its risk level, once accepted.
        let r = jag
            .post_form(
                &format!("/cases/{case}/decision"),
                &[("decision", "accept"), ("note", "Accepted")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{b}]");
        let board = jag
            .get(&format!("/overdue?as_of={}", days(t, 365)))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            row_with(&board, "risk case due for review").is_some_and(|r| r.contains("Overdue")),
            "[{b}]"
        );
        // The digest for an agency, as text.
        let r = jag
            .get(&format!(
                "/overdue/digest.txt?agency={agency}&as_of={}",
                abc.review_on.plus_days(1).unwrap()
            ))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "[{b}]");
        let text = r.text().await.unwrap();
        assert!(
            text.contains("Late") && text.contains("Review the contract"),
            "[{b}] {text}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_legal_intervention_is_counted_in_the_quarterly_report() {
    for app in spawn_app().await {
        let b = app.backend;
        let (case, person) = case_with_perpetrator(&app, Birth::AgeBand { from: 30, to: 39 }).await;
        let cw = app.login_as(Role::Caseworker).await;
        // A Community Protection Warning in May 2022, straight away for
        // serious risk: the 2020–23 plan's legal interventions (p2-m2).
        let r = cw
            .post_form(
                &format!("/cases/{case}/steps"),
                &[
                    ("person", person.to_string().as_str()),
                    ("step", "community_protection_warning"),
                    ("on", "2022-05-10"),
                    ("days_to_comply", "14"),
                    ("serious_risk", "Threats with a weapon"),
                ],
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "[{b}] {}",
            r.text().await.unwrap()
        );
        let cso = app.login_as(Role::CommunitySafetyOfficer).await;
        let report = cso
            .get(&format!("/plans/{}/report?quarter=2022-Q1", app.ids.plan))
            .await
            .text()
            .await
            .unwrap();
        let row = row_with(&report, "case records: asb interventions")
            .unwrap_or_else(|| panic!("[{b}] the measure's row"));
        assert!(row.contains(">1<"), "[{b}] one legal intervention: {row}");
        app.stop().await;
    }
}
