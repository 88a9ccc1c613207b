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
        referred_on: None,
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

#[tokio::test]
async fn after_its_retention_a_case_and_its_people_are_deleted_everywhere_but_the_audit_log() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let s = seed(t).await;
        let app = &t.app;
        let jag = t.web("jag").await;
        let name = "Litter person";
        // The declined referral is not due yet; a year and a day later it is.
        assert!(
            app.retention_review(&jag).await.unwrap().is_empty(),
            "[{b}]"
        );
        t.clock.advance(366 * 86_400);
        let due = app.retention_review(&jag).await.unwrap();
        assert_eq!(
            due.iter().map(|d| d.case.case.id).collect::<Vec<_>>(),
            [s.declined_case],
            "[{b}]"
        );
        let person = app.case(&jag, s.declined_case).await.unwrap().people[0].id;
        let e = app.delete_case(&jag, s.open_case, "x").await.unwrap_err();
        assert!(
            matches!(e, AppError::Conflict(_)),
            "[{b}] a live case is not deleted: {e:?}"
        );
        assert_eq!(
            app.delete_case(&jag, s.declined_case, "Retention period ended")
                .await
                .unwrap(),
            1
        );
        // Gone from the case, the person, the lists and the search.
        assert!(matches!(
            app.case(&jag, s.declined_case).await,
            Err(AppError::NotFound(_))
        ));
        assert!(matches!(
            app.person(&jag, person).await,
            Err(AppError::NotFound(_))
        ));
        assert!(
            !app.cases(&jag)
                .await
                .unwrap()
                .iter()
                .any(|c| c.case.id == s.declined_case)
        );
        let found = app.search_cases(&jag, name).await.unwrap();
        assert!(found.people.is_empty() && found.cases.is_empty(), "[{b}]");
        let everything = safer_domain::casework::access::CaseScope {
            agency: None,
            denied_types: Default::default(),
        };
        let db = t.db();
        assert!(
            !db.people_in_scope(&everything, None)
                .await
                .unwrap()
                .iter()
                .any(|(_, p)| p.name == name),
            "[{b}]"
        );
        assert!(
            !db.case_events(&everything, None)
                .await
                .unwrap()
                .iter()
                .any(|e| e.case_id == s.declined_case)
        );
        // The audit log keeps the fact, and the chain still holds.
        let log = db.audit_log(1000).await.unwrap();
        assert!(
            log.iter()
                .any(|e| e.action == "delete_case"
                    && e.target == format!("case {}", s.declined_case))
        );
        assert_eq!(db.verify_audit().await.unwrap().first_broken, None, "[{b}]");
    }
    cleanup(all).await;
}

#[tokio::test]
async fn a_merge_moves_the_cases_and_undoing_it_puts_everything_back() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let s = seed(t).await;
        let app = &t.app;
        let worker = t.web("police-worker").await;
        let before_kept = app.person(&worker, s.open_person).await.unwrap();
        let before_merged = app.person(&worker, s.referred_person).await.unwrap();
        let merge = app
            .merge_people(&worker, s.referred_person, s.open_person, "Same neighbour")
            .await
            .unwrap();
        let kept = app.person(&worker, s.open_person).await.unwrap();
        assert_eq!(
            kept.cases.len(),
            2,
            "[{b}] both cases are the kept record's"
        );
        assert!(matches!(
            app.person(&worker, s.referred_person).await,
            Err(AppError::NotFound(_))
        ));
        assert_eq!(
            app.undo_merge(&worker, merge).await.unwrap(),
            s.referred_person
        );
        assert_eq!(
            app.person(&worker, s.open_person).await.unwrap(),
            before_kept,
            "[{b}]"
        );
        assert_eq!(
            app.person(&worker, s.referred_person).await.unwrap(),
            before_merged,
            "[{b}]"
        );
        let (_, merges) = app.person_history(&worker, s.open_person).await.unwrap();
        assert!(merges[0].undone, "[{b}] the merge is kept, marked undone");
        // Rectification keeps the earlier version.
        let mut p = before_kept.person.clone();
        p.name = "Graffiti victim (corrected)".into();
        app.rectify_person(&worker, s.open_person, &p, "Misspelt")
            .await
            .unwrap();
        let (history, _) = app.person_history(&worker, s.open_person).await.unwrap();
        assert_eq!(history[0].before, before_kept.person, "[{b}]");
        assert_eq!(history[0].reason, "Misspelt");
    }
    cleanup(all).await;
}

/// A location's police.uk records are the records of the file at its
/// place, counted independently from the CSV itself.
#[tokio::test]
async fn a_locations_police_uk_records_are_the_files_records_at_its_place() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let s = seed(t).await;
        let app = &t.app;
        let analyst = t.cli("analyst").await;
        let found = safer_app::import::discover(&[crate::police_uk_month()]).unwrap();
        app.import_police_uk(&analyst, found, false, std::sync::Arc::new(|_| {}))
            .await
            .unwrap();
        let cso = t.cli("cso").await;
        app.import_partnership(&cso, &crate::repo("examples/charnwood/partnership.toml"))
            .await
            .unwrap();
        // The month of the file is the latest held: the window ends there.
        let worker = t.web("police-worker").await;
        let places = app.find_places(&worker, "road").unwrap();
        assert!(!places.is_empty(), "[{b}]");
        let place = places[0].place.clone();
        // Independently: the CSV's rows at that street and LSOA.
        let mut rdr = csv::Reader::from_path(crate::police_uk_month()).unwrap();
        let (mut all_rows, mut asb) = (0u32, 0u32);
        for r in rdr.records() {
            let r = r.unwrap();
            if r[6] == place.street && r[7] == place.lsoa_code {
                all_rows += 1;
                asb += u32::from(&r[9] == "Anti-social behaviour");
            }
        }
        assert_eq!(u64::from(all_rows), places[0].records, "[{b}]");
        let id = app
            .add_case_location(
                &worker,
                s.open_case,
                &safer_domain::casework::location::Location {
                    address: "Flats on the road".into(),
                    place: Some(place),
                },
            )
            .await
            .unwrap();
        let l = app.location(&worker, id).await.unwrap();
        assert_eq!(
            l.police_uk.iter().map(|m| m.total()).sum::<u32>(),
            all_rows,
            "[{b}]"
        );
        assert_eq!(l.police_uk_asb, asb, "[{b}]");
        assert_eq!(l.repeat_by_police_uk, asb >= 3, "[{b}]");
        assert_eq!(l.cases.len(), 1);
        let jag = t.web("jag").await;
        assert!(app.location(&jag, id).await.is_ok());
        let reader = t.web("reader").await;
        assert!(matches!(
            app.location(&reader, id).await,
            Err(AppError::Refused(_))
        ));
    }
    cleanup(all).await;
}

#[tokio::test]
async fn an_agencys_administrator_sees_who_of_their_agency_read_which_case() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let s = seed(t).await;
        let app = &t.app;
        // The coordinator is of the council, as is the administrator; the
        // police's caseworker is not.
        app.case(&t.web("jag").await, s.open_case).await.unwrap();
        app.case(&t.web("police-worker").await, s.open_case)
            .await
            .unwrap();
        let (agency, rows) = app.access_report(&t.web("admin").await, 100).await.unwrap();
        assert_eq!(agency, crate::COUNCIL, "[{b}]");
        assert!(
            rows.iter().any(|e| e.actor == "jag"
                && e.action == "view_case"
                && e.target == format!("case {}", s.open_case)),
            "[{b}] {rows:#?}"
        );
        assert!(rows.iter().all(|e| e.agency == crate::COUNCIL), "[{b}]");
        assert!(
            rows.iter()
                .all(|e| safer_app::casework::READS_OF_CASE_RECORDS.contains(&e.action.as_str()))
        );
        let e = app
            .access_report(&t.web("jag").await, 100)
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Refused(_)), "[{b}]");
    }
    cleanup(all).await;
}

/// Found by the API's property tests: a referral naming the same person in
/// the same role twice failed on the database's key. It is one link; the
/// same person in two roles is two.
#[tokio::test]
async fn a_person_named_twice_in_one_role_is_one_link() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let s = seed(t).await;
        let app = &t.app;
        let worker = t.web("police-worker").await;
        let mut r = referral("Twice", "asb");
        r.people = vec![
            (PersonOnReferral::Held(s.open_person), CaseRole::Carer),
            (PersonOnReferral::Held(s.open_person), CaseRole::Carer),
            (PersonOnReferral::Held(s.open_person), CaseRole::Victim),
        ];
        let id = app.refer_case(&worker, &r).await.unwrap();
        let file = app.case(&worker, id).await.unwrap();
        assert_eq!(file.case.people.len(), 2, "[{b}] {:?}", file.case.people);
        // The case file shows the person in each role.
        let roles: Vec<CaseRole> = file.people.iter().map(|p| p.role).collect();
        assert_eq!(roles, [CaseRole::Carer, CaseRole::Victim], "[{b}]");
    }
    cleanup(all).await;
}

#[tokio::test]
async fn a_groups_members_are_people_on_its_case_and_it_goes_with_its_last_case() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let s = seed(t).await;
        let app = &t.app;
        let worker = t.web("police-worker").await;
        let g = safer_domain::casework::group::Group {
            name: "Street group at the parade".into(),
            description: "Four or five teenagers most evenings".into(),
        };
        let e = app
            .add_case_group(&worker, s.declined_case, &g, &[s.open_person])
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid(m) if m.contains("is not on case")),
            "[{b}] {e:?}"
        );
        let litter = app.case(&worker, s.declined_case).await.unwrap().people[0].id;
        let id = app
            .add_case_group(&worker, s.declined_case, &g, &[litter])
            .await
            .unwrap();
        let file = app.group(&worker, id).await.unwrap();
        assert_eq!(
            file.members.iter().map(|m| m.0).collect::<Vec<_>>(),
            [litter],
            "[{b}]"
        );
        assert_eq!(file.cases.len(), 1);
        let jag = t.web("jag").await;
        app.delete_case(&jag, s.declined_case, "Retention")
            .await
            .unwrap();
        assert!(
            matches!(app.group(&jag, id).await, Err(AppError::NotFound(_))),
            "[{b}]"
        );
    }
    cleanup(all).await;
}

/// The dashboard's numbers are the case actions page's: counted in SQL,
/// the same open actions and the same overdue.
#[tokio::test]
async fn the_dashboards_case_action_counts_are_the_actions_listed() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let s = seed(t).await;
        let app = &t.app;
        let worker = t.web("police-worker").await;
        let police = app.agency_named(POLICE).await.unwrap().unwrap().id;
        // One more action, due yesterday by the app's clock: overdue.
        let due = app.today().plus_days(-1).unwrap();
        app.add_case_action(
            &worker,
            s.open_case,
            &safer_app::casework::CaseActionEntry {
                agency: police,
                owner: "PC Example".into(),
                text: "Call the victim".into(),
                due,
                meeting: None,
            },
        )
        .await
        .unwrap();
        for who in ["police-worker", "jag"] {
            let actor = t.web(who).await;
            let listed = app.my_case_actions(&actor).await.unwrap();
            let late = listed.iter().filter(|(a, _)| a.days_late > 0).count();
            assert_eq!(
                app.case_action_counts(&actor).await.unwrap(),
                Some((listed.len(), late)),
                "[{b}] {who}"
            );
            assert_eq!(late, 1, "[{b}] {who}");
        }
        assert_eq!(
            app.case_action_counts(&t.web("reader").await)
                .await
                .unwrap(),
            None
        );
    }
    cleanup(all).await;
}

/// The police.uk places of other forces' districts are counted as their
/// files say: every place matching a street of a district, for three
/// forces of the national month, against the CSV read independently.
#[tokio::test]
async fn police_uk_places_match_the_csv_for_other_forces_too() {
    let all = apps().await;
    let national = crate::repo("../shared/data/police-uk/national-2022-04");
    for t in &all {
        let b = t.backend;
        seed(t).await;
        let analyst = t.cli("analyst").await;
        for force in ["avon-and-somerset", "cheshire", "bedfordshire"] {
            let file = national.join(format!("2022-04-{force}-street.csv"));
            let found = safer_app::import::discover(std::slice::from_ref(&file)).unwrap();
            t.app
                .import_police_uk(&analyst, found, false, std::sync::Arc::new(|_| {}))
                .await
                .unwrap();
            // Independently: the rows whose location holds "road", by
            // street and LSOA code, in the district with the most of them.
            let mut rdr = csv::Reader::from_path(&file).unwrap();
            let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
            let mut by_district = std::collections::BTreeMap::new();
            for r in &rows {
                if let Some(d) = safer_analysis::district_of_lsoa_name(&r[8])
                    && r[6].to_lowercase().contains("road")
                {
                    *by_district.entry(d.to_owned()).or_insert(0u64) += 1;
                }
            }
            let district = by_district.iter().max_by_key(|e| e.1).unwrap().0.clone();
            let mut expected = std::collections::BTreeMap::new();
            for r in &rows {
                if safer_analysis::district_of_lsoa_name(&r[8]) == Some(district.as_str())
                    && r[6].to_lowercase().contains("road")
                {
                    *expected
                        .entry((r[6].to_owned(), r[7].to_owned()))
                        .or_insert(0u64) += 1;
                }
            }
            let dir = safer_store::DataDir::open(t.app.data_dir()).unwrap();
            let got: std::collections::BTreeMap<(String, String), u64> = dir
                .find_places(&district, "Road", usize::MAX)
                .unwrap()
                .into_iter()
                .map(|f| ((f.place.street, f.place.lsoa_code), f.records))
                .collect();
            assert!(!expected.is_empty(), "[{b}] {force}");
            assert_eq!(got, expected, "[{b}] {force}: {district}");
            // And the records at the busiest place, month by month.
            let ((street, code), &n) = expected.iter().max_by_key(|e| e.1).unwrap();
            let lsoa_name = rows.iter().find(|r| &r[7] == code).unwrap()[8].to_owned();
            let at = dir
                .records_at(&safer_domain::casework::location::Place {
                    street: street.clone(),
                    lsoa_code: code.clone(),
                    lsoa_name,
                })
                .unwrap();
            assert_eq!(
                at.iter().map(|m| u64::from(m.total())).sum::<u64>(),
                n,
                "[{b}] {force}"
            );
        }
    }
    cleanup(all).await;
}
