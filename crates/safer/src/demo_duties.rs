//! The demo's statutory duties: a fictional history of case records from
//! October 2021 to September 2024, so that every measure of the 2023–26
//! plan counted from case records has figures in its baseline year and
//! the years compared (referrals to the Youth JAG and the Adults at Risk
//! Group, youth interventions, ABCs completed without breach, Community
//! Trigger applications with youth ASB, management plans, exploitation
//! referrals); and live items for today's overdue board: an ABC due for
//! review, a Community Protection Warning whose time to comply has run, a
//! Community Trigger application awaiting its decision and a Domestic
//! Homicide Review awaiting its decision. Everything goes through the
//! application's tasks as the demo users, so it is audited like real work.

use anyhow::{Result, anyhow};
use safer_app::casework::{PersonOnReferral, Referral};
use safer_app::escalation::{CaseRecordEntry, StepEntry};
use safer_app::trigger::{Application, TriggerComplaint};
use safer_app::{Actor, App};
use safer_domain::casework::case::{CaseRole, RiskLevel};
use safer_domain::casework::escalation::{AbcParty, PartyRole, Step};
use safer_domain::casework::person::{Birth, Person};
use safer_domain::{AgencyId, CaseId, Date, PersonId};

fn day(s: &str) -> Result<Date> {
    s.parse().map_err(|e| anyhow!("{e}"))
}

fn plus(d: Date, days: i64) -> Result<Date> {
    d.plus_days(days).ok_or_else(|| anyhow!("date"))
}

/// Refers a case on a past day, with one person, and returns the case and
/// the person.
#[allow(clippy::too_many_arguments)]
async fn refer(
    app: &App,
    by: &Actor,
    forum: &str,
    case_type: &str,
    title: String,
    on: Date,
    involved: &[AgencyId],
    person: Person,
    role: CaseRole,
) -> Result<(CaseId, PersonId)> {
    let id = app
        .refer_case(
            by,
            &Referral {
                forum: forum.into(),
                case_type: case_type.into(),
                title,
                risk: RiskLevel::High,
                lead_agency: None,
                lead_officer: "[Demonstration] Officer".into(),
                involved: involved.to_vec(),
                reason: "[Demonstration] Referred for multi-agency case management.".into(),
                people: vec![(PersonOnReferral::New(person), role)],
                referred_on: Some(on),
            },
        )
        .await?;
    let p = app
        .case(by, id)
        .await?
        .people
        .first()
        .map(|p| p.id)
        .ok_or_else(|| anyhow!("no person on case {id}"))?;
    Ok((id, p))
}

fn young(name: String) -> Person {
    Person {
        name,
        aliases: vec![],
        birth: Birth::AgeBand { from: 14, to: 15 },
        address: None,
        vulnerabilities: Default::default(),
    }
}

fn adult(name: String, from: u8) -> Person {
    Person {
        name,
        aliases: vec![],
        birth: Birth::AgeBand { from, to: from + 9 },
        address: None,
        vulnerabilities: Default::default(),
    }
}

fn step(person: PersonId, step: Step, on: Date) -> StepEntry {
    StepEntry {
        person,
        step,
        on: Some(on),
        days_to_comply: None,
        serious_risk: None,
        convicted: false,
        parent_involved: true,
        yjs_involved: true,
        notes: "[Demonstration]".into(),
        abc: None,
    }
}

fn contract(person: PersonId, name: &str, on: Date) -> StepEntry {
    let party = |n: &str, role| AbcParty {
        name: n.into(),
        role,
        signed_on: Some(on),
    };
    StepEntry {
        abc: Some((
            vec![
                "Not to gather outside the shops on Sample Street after 7pm".into(),
                "To attend the youth club's Tuesday sessions".into(),
            ],
            vec![
                party(name, PartyRole::Subject),
                party("[Demonstration] Parent", PartyRole::ParentOrGuardian),
                party("Leicestershire Police", PartyRole::Agency),
                party("Charnwood Borough Council", PartyRole::Agency),
            ],
        )),
        ..step(person, Step::AcceptableBehaviourContract, on)
    }
}

/// Adds the history and the live items.
#[allow(clippy::too_many_lines)]
pub async fn add(app: &App, names: &mut dyn FnMut() -> String) -> Result<String> {
    let actor = |u: &'static str| {
        let app = app.clone();
        async move { crate::db::actor(&app, Some(u)).await }
    };
    let jag = actor("demo-jag").await?;
    let police = actor("demo-caseworker").await?;
    let council = actor("demo-council-caseworker").await?;
    let cso = actor("demo-cso").await?;
    let agency = |name: &'static str| {
        let app = app.clone();
        async move {
            app.agency_named(name)
                .await?
                .map(|a| a.id)
                .ok_or_else(|| anyhow!("no agency {name}"))
        }
    };
    let council_id = agency("Charnwood Borough Council").await?;
    let police_id = agency("Leicestershire Police").await?;
    let icb = agency("Leicester, Leicestershire and Rutland Integrated Care Board").await?;
    let mut counted = 0usize;

    // One young person a quarter referred to the Youth JAG, from October
    // 2021 to September 2024, each taken up the ladder to a contract;
    // every third contract is breached, the rest completed. One adult a
    // quarter referred to the Adults at Risk Group. One Community Trigger
    // application a quarter, every other one about youth ASB.
    let first = day("2021-10-04")?;
    for q in 0..12i64 {
        let start = plus(first, q * 91)?;
        let name = names();
        let (case, person) = refer(
            app,
            &police,
            "youth_jag",
            "youth_asb",
            format!("[Demonstration] Youth ASB on the estate, quarter {}", q + 1),
            start,
            &[council_id],
            young(name.clone()),
            CaseRole::Perpetrator,
        )
        .await?;
        app.decide_referral(&jag, case, true, "[Demonstration] Accepted")
            .await?;
        app.take_step(
            &police,
            case,
            &step(person, Step::EarlyIntervention, plus(start, 3)?),
        )
        .await?;
        app.take_step(
            &police,
            case,
            &step(person, Step::FirstWarning, plus(start, 10)?),
        )
        .await?;
        app.take_step(
            &police,
            case,
            &step(person, Step::FinalWarning, plus(start, 20)?),
        )
        .await?;
        let abc = app
            .take_step(&police, case, &contract(person, &name, plus(start, 30)?))
            .await?;
        if q % 3 == 2 {
            app.record_breach(
                &police,
                case,
                abc,
                Some(plus(start, 75)?),
                "[Demonstration] Seen gathering outside the shops at 9pm",
            )
            .await?;
        }
        app.add_case_record(
            &police,
            case,
            &CaseRecordEntry::ManagementPlan {
                person,
                opened_on: plus(start, 5)?,
                closed_on: Some(plus(start, 5 + 40 + 7 * (q % 4))?),
                agencies: vec![
                    "Leicestershire Police".into(),
                    "Charnwood Borough Council".into(),
                    "Youth Justice Service".into(),
                ],
                notes: "[Demonstration]".into(),
            },
        )
        .await?;
        app.add_case_record(
            &council,
            case,
            &CaseRecordEntry::Diversion {
                person,
                activity: "[Demonstration] Boxing club".into(),
                provider: "[Demonstration] Loughborough youth service".into(),
                started_on: plus(start, 14)?,
                sessions_offered: 8,
                sessions_attended: (q % 5) as u32 + 2,
            },
        )
        .await?;
        if q % 2 == 0 {
            app.add_case_record(
                &police,
                case,
                &CaseRecordEntry::Referral {
                    person: Some(person),
                    kind: safer_domain::casework::referral::ReferralKind::CriminalExploitation,
                    referred_on: plus(start, 8)?,
                    referred_to: "County Criminal Exploitation Team".into(),
                    theme: "[Demonstration] Suspected county lines running".into(),
                    agency_id: police_id,
                },
            )
            .await?;
        }
        app.close_case(
            &jag,
            case,
            "[Demonstration] Behaviour stopped; closed by the Youth JAG",
        )
        .await?;
        let (adult_case, _) = refer(
            app,
            &council,
            "adults_at_risk",
            "vulnerable_adult",
            format!("[Demonstration] Adult at risk, quarter {}", q + 1),
            plus(start, 7)?,
            &[icb],
            adult(names(), 30 + (q % 5) as u8 * 10),
            CaseRole::Victim,
        )
        .await?;
        app.decide_referral(&jag, adult_case, true, "[Demonstration] Accepted")
            .await?;
        app.close_case(&jag, adult_case, "[Demonstration] Support in place; closed")
            .await?;
        let received = plus(start, 40)?;
        let complaints = (0..3)
            .map(|i| -> Result<TriggerComplaint> {
                let on = plus(received, -20 * (3 - i))?;
                Ok(TriggerComplaint {
                    behaviour_on: on,
                    reported_on: plus(on, 1)?,
                    reported_to: [
                        "Leicestershire Police",
                        "Charnwood Borough Council",
                        "Housing provider",
                    ][i as usize]
                        .into(),
                    incident_ref: None,
                    complainant: None,
                    hate: false,
                    text: String::new(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let t = app
            .record_case_review_application(
                &cso,
                &Application {
                    applicant_name: names(),
                    applicant_contact: "[Demonstration] 01509 000000".into(),
                    address: "[Demonstration] Sample Street, Loughborough (fictional)".into(),
                    behaviour: "[Demonstration] Groups gathering, noise and damage most evenings"
                        .into(),
                    no_effective_action: true,
                    youth: q % 2 == 0,
                    complaints,
                    received_on: Some(received),
                    ..Application::default()
                },
            )
            .await?;
        app.acknowledge_case_review(&cso, t, Some(received)).await?;
        app.lead_case_review(&cso, t, council_id).await?;
        app.decide_case_review(
            &cso,
            t,
            safer_app::trigger::ThresholdDecision::Met {
                note: String::new(),
            },
            Some(plus(received, 6)?),
        )
        .await?;
        app.recommend(
            &cso,
            t,
            "Charnwood Borough Council",
            "[Demonstration] Install lighting and CCTV at the parade",
            plus(received, 90)?,
        )
        .await?;
        app.record_case_review(
            &cso,
            t,
            Some(plus(received, 20)?),
            "[Demonstration] The panel agreed a joint problem-solving plan.",
            Some(plus(received, 21)?),
        )
        .await?;
        let rec = app
            .case_review_application(&cso, t)
            .await?
            .stored
            .recommendations
            .first()
            .map(|r| r.id)
            .ok_or_else(|| anyhow!("no recommendation"))?;
        app.update_recommendation(&cso, t, rec, "done", "[Demonstration] Installed")
            .await?;
        app.close_case_review(&cso, t).await?;
        counted += 1;
    }

    // Live: a young person on a contract due for review, and an adult
    // whose Community Protection Warning's time to comply has run.
    let today = app.today();
    let name = names();
    let (case, person) = refer(
        app,
        &police,
        "youth_jag",
        "youth_asb",
        "[Demonstration] Young person on an Acceptable Behaviour Contract".into(),
        plus(today, -120)?,
        &[council_id],
        young(name.clone()),
        CaseRole::Perpetrator,
    )
    .await?;
    app.decide_referral(&jag, case, true, "[Demonstration] Accepted")
        .await?;
    app.take_step(
        &police,
        case,
        &step(person, Step::EarlyIntervention, plus(today, -115)?),
    )
    .await?;
    app.take_step(
        &police,
        case,
        &step(person, Step::FirstWarning, plus(today, -110)?),
    )
    .await?;
    app.take_step(
        &police,
        case,
        &step(person, Step::FinalWarning, plus(today, -100)?),
    )
    .await?;
    app.take_step(&police, case, &contract(person, &name, plus(today, -95)?))
        .await?;
    let (case, person) = refer(
        app,
        &council,
        "jag",
        "asb",
        "[Demonstration] Neighbour playing loud music through the night".into(),
        plus(today, -60)?,
        &[police_id],
        adult(names(), 30),
        CaseRole::Perpetrator,
    )
    .await?;
    app.decide_referral(&jag, case, true, "[Demonstration] Accepted")
        .await?;
    app.take_step(
        &council,
        case,
        &StepEntry {
            serious_risk: Some(
                "[Demonstration] The victim's health is failing: straight to a warning".into(),
            ),
            days_to_comply: Some(14),
            parent_involved: false,
            yjs_involved: false,
            ..step(person, Step::CommunityProtectionWarning, plus(today, -20)?)
        },
    )
    .await?;
    // A Community Trigger application from the public form, three days
    // ago, not yet acknowledged; and a death notified ten days ago.
    let applicant = names();
    let t = app
        .record_case_review_application(
            &cso,
            &Application {
                applicant_name: applicant,
                applicant_contact: "[Demonstration] resident@example.org".into(),
                address: "[Demonstration] Example Road, Loughborough (fictional)".into(),
                behaviour: "[Demonstration] Motorbikes ridden on the green late at night; abuse when I complained".into(),
                no_effective_action: true,
                youth: true,
                complaints: vec![
                    TriggerComplaint {
                        behaviour_on: plus(today, -50)?,
                        reported_on: plus(today, -49)?,
                        reported_to: "Leicestershire Police".into(),
                        incident_ref: Some("[Demonstration] 101-1".into()),
                        complainant: None,
                        hate: false,
                        text: String::new(),
                    },
                    TriggerComplaint {
                        behaviour_on: plus(today, -50)?,
                        reported_on: plus(today, -48)?,
                        reported_to: "Charnwood Borough Council".into(),
                        incident_ref: Some("[Demonstration] 101-1".into()),
                        complainant: None,
                        hate: false,
                        text: String::new(),
                    },
                    TriggerComplaint {
                        behaviour_on: plus(today, -21)?,
                        reported_on: plus(today, -20)?,
                        reported_to: "Leicestershire Police".into(),
                        incident_ref: None,
                        complainant: None,
                        hate: false,
                        text: String::new(),
                    },
                ],
                received_on: Some(plus(today, -3)?),
                ..Application::default()
            },
        )
        .await?;
    let _ = t;
    app.notify_dhr(
        &cso,
        &safer_app::dhr::NewDhr {
            pseudonym: "[Demonstration] Adult A".into(),
            age: Some(52),
            died_on: Some(plus(today, -14)?),
            circumstances: "[Demonstration] A death at home; the police believe domestic abuse may have contributed.".into(),
            notified_on: plus(today, -10)?,
            notified_by: "[Demonstration] DI, Leicestershire Police".into(),
            chair: String::new(),
        },
        &["demo-jag".to_owned()],
    )
    .await?;
    Ok(format!(
        "    {counted} quarters of fictional case-record history (Youth JAG and Adults at Risk referrals, the ladder and ABCs, management plans, diversionary activities, exploitation referrals, Community Trigger applications) and live duties on the overdue board: an ABC due for review, a Community Protection Warning to check, a Community Trigger application to acknowledge (Case reviews) and a Domestic Homicide Review to decide (DHRs, demo-cso and demo-jag on its panel)."
    ))
}
