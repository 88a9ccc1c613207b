//! The rules of the case tasks that the pages and the API rely on: who
//! may give an action to which agency, how a case moves, and what each
//! recipient's minutes hold.

use safer_app::AppError;
use safer_app::casework::{PersonOnReferral, Referral};
use safer_domain::casework::case::{CaseRole, CaseStatus, RiskLevel};
use safer_domain::casework::person::{Birth, Person};

use crate::{FIRE, POLICE, apps, cleanup, seed};

fn referral(title: &str, case_type: &str) -> Referral {
    Referral {
        forum: "jag".into(),
        case_type: case_type.into(),
        title: title.into(),
        risk: RiskLevel::Standard,
        lead_agency: None,
        lead_officer: String::new(),
        involved: vec![],
        reason: "Reported three times".into(),
        people: vec![(
            PersonOnReferral::New(Person {
                name: format!("{title} person"),
                aliases: vec![],
                birth: Birth::Unknown,
                address: None,
                vulnerabilities: Default::default(),
            }),
            CaseRole::Victim,
        )],
    }
}

#[tokio::test]
async fn an_action_for_an_agency_not_involved_is_the_forums_to_give() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let s = seed(t).await;
        let app = &t.app;
        let fire = app.agency_named(FIRE).await.unwrap().unwrap().id;
        let worker = t.web("police-worker").await;
        let due = "2023-06-01".parse().unwrap();
        let e = app
            .add_case_action(
                &worker,
                s.open_case,
                &safer_app::casework::CaseActionEntry {
                    agency: fire,
                    owner: "Watch manager".into(),
                    text: "Fire safety visit".into(),
                    due,
                    meeting: None,
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid(m) if m.contains("share the case with it first")),
            "[{b}] {e:?}"
        );
        let jag = t.web("jag").await;
        app.add_case_action(
            &jag,
            s.open_case,
            &safer_app::casework::CaseActionEntry {
                agency: fire,
                owner: "Watch manager".into(),
                text: "Fire safety visit".into(),
                due,
                meeting: None,
            },
        )
        .await
        .unwrap();
        let file = app.case(&jag, s.open_case).await.unwrap();
        assert!(
            file.involved.iter().any(|a| a == FIRE),
            "[{b}] the fire service is involved now"
        );
        assert_eq!(file.actions.len(), 2, "[{b}]");
    }
    cleanup(all).await;
}

#[tokio::test]
async fn a_case_moves_only_along_its_life_and_says_why_not() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let s = seed(t).await;
        let app = &t.app;
        let jag = t.web("jag").await;
        // A referral is not closed before it is accepted; a decline needs
        // its reason.
        let e = app
            .close_case(&jag, s.referred_case, "Done")
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Conflict(m) if m.contains("referred")),
            "[{b}] {e:?}"
        );
        let e = app
            .decide_referral(&jag, s.referred_case, false, "  ")
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Invalid(_)), "[{b}] {e:?}");
        app.decide_referral(
            &jag,
            s.referred_case,
            false,
            "Not JAG-level: for the neighbourhood team",
        )
        .await
        .unwrap();
        let file = app.case(&jag, s.referred_case).await.unwrap();
        assert_eq!(file.case.status, CaseStatus::Declined, "[{b}]");
        assert_eq!(
            file.case.outcome.as_deref(),
            Some("Not JAG-level: for the neighbourhood team")
        );
        // A caseworker may not decide referrals.
        let worker = t.web("police-worker").await;
        let e = app
            .decide_referral(&worker, s.open_case, true, "")
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Refused(_)), "[{b}] {e:?}");
        // A declined case is referred again, by whoever may refer it.
        app.refer_again(&worker, s.referred_case, "Two more incidents")
            .await
            .unwrap();
        let file = app.case(&jag, s.referred_case).await.unwrap();
        assert_eq!(file.case.status, CaseStatus::Referred, "[{b}]");
    }
    cleanup(all).await;
}

#[tokio::test]
async fn each_agencys_minutes_hold_only_the_cases_it_may_see() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let s = seed(t).await;
        let app = &t.app;
        let jag = t.web("jag").await;
        let worker = t.web("police-worker").await;
        let police = app.agency_named(POLICE).await.unwrap().unwrap().id;
        let fire = app.agency_named(FIRE).await.unwrap().unwrap().id;
        let prevent = app
            .refer_case(&jag, &referral("Prevent concern", "prevent"))
            .await
            .unwrap();
        app.decide_referral(&jag, prevent, true, "").await.unwrap();
        for case in [s.open_case, prevent] {
            app.record_decision(&jag, s.meeting, case, &format!("Decision on {case}"))
                .await
                .unwrap();
        }
        let titles = |m: &safer_app::casework::Minutes| {
            m.items.iter().map(|i| i.case_id).collect::<Vec<_>>()
        };
        let full = app.minutes(&jag, s.meeting, None).await.unwrap();
        assert_eq!(titles(&full), [s.open_case, prevent], "[{b}] the full copy");
        // The police's copy: their case, not the council's Prevent case.
        let police_copy = app.minutes(&jag, s.meeting, Some(police)).await.unwrap();
        assert_eq!(titles(&police_copy), [s.open_case], "[{b}]");
        assert_eq!(police_copy.recipient.as_deref(), Some(POLICE));
        // A caseworker gets their own agency's copy, whatever they ask.
        let asked = app.minutes(&worker, s.meeting, Some(fire)).await.unwrap();
        assert_eq!(titles(&asked), [s.open_case], "[{b}]");
        // The council referred the Prevent case, but an agency's copy never
        // holds a restricted type: it goes to named roles, not agencies.
        let council = app.agency_named(crate::COUNCIL).await.unwrap().unwrap().id;
        let council_copy = app.minutes(&jag, s.meeting, Some(council)).await.unwrap();
        assert!(
            council_copy.items.is_empty(),
            "[{b}] {:?}",
            titles(&council_copy)
        );
        let fire_copy = app.minutes(&jag, s.meeting, Some(fire)).await.unwrap();
        assert!(
            fire_copy.items.is_empty(),
            "[{b}] the fire service sees nothing"
        );
        let log = t.db().audit_log(20).await.unwrap();
        assert!(
            log.iter()
                .any(|e| e.action == "export_minutes" && e.detail.contains(FIRE)),
            "[{b}] every copy is audited, with its recipient"
        );
    }
    cleanup(all).await;
}
