//! The demo's case work: a few clearly fictional cases of the JAG, the
//! Youth JAG and the Adults at Risk Group, spread across the agencies, so
//! every case page has something to show and need to know can be seen by
//! signing in as the different demo users (the fire service's caseworker
//! sees only the fire service's case). Every name comes from a small
//! generator over invented names and is marked "[Demonstration]".

use anyhow::Result;
use safer_app::casework::{PersonOnReferral, Referral};
use safer_app::{Actor, App};
use safer_domain::AgencyId;
use safer_domain::casework::case::{CaseRole, RiskLevel};
use safer_domain::casework::chronology::EventKind;
use safer_domain::casework::person::{Birth, Person, Vulnerability};

use crate::db;

const FIRST: [&str; 12] = [
    "Avery", "Blake", "Corin", "Dale", "Emery", "Frankie", "Harper", "Jules", "Kit", "Lane",
    "Marlow", "Quinn",
];
const LAST: [&str; 12] = [
    "Ashdown", "Brambley", "Coldwell", "Dunmore", "Ellery", "Fenwick", "Garside", "Holloway",
    "Ivesley", "Kettleby", "Lowther", "Marden",
];
const STREETS: [&str; 6] = [
    "Sample Street",
    "Example Road",
    "Fictional Close",
    "Pretend Lane",
    "Specimen Way",
    "Model Avenue",
];

/// Invented names, the same on every run: a linear congruential sequence
/// over the lists above.
struct Names(u64);

impl Names {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn person(&mut self) -> String {
        let f = FIRST[(self.next() % 12) as usize];
        let l = LAST[(self.next() % 12) as usize];
        format!("[Demonstration] {f} {l}")
    }

    fn address(&mut self) -> String {
        let n = 1 + self.next() % 80;
        let s = STREETS[(self.next() % 6) as usize];
        format!("{n} {s}, Loughborough (fictional)")
    }
}

fn person(name: String, birth: Birth, address: Option<String>, v: &[Vulnerability]) -> Person {
    Person {
        name,
        aliases: vec![],
        birth,
        address,
        vulnerabilities: v.iter().copied().collect(),
    }
}

/// Adds the demo cases once (a second run leaves them alone).
pub fn add(data_dir: &std::path::Path, url: Option<&str>) -> Result<()> {
    db::block_on(async {
        let app = db::open(data_dir, url).await?;
        let jag = db::actor(&app, Some("demo-jag")).await?;
        if app.count_cases(&jag).await? > 0 {
            eprintln!("    (demonstration cases already added)");
            return anyhow::Ok(());
        }
        let police = db::actor(&app, Some("demo-caseworker")).await?;
        let council = db::actor(&app, Some("demo-council-caseworker")).await?;
        let fire = db::actor(&app, Some("demo-fire")).await?;
        let agency = |name: &'static str| {
            let app = app.clone();
            async move {
                app.agency_named(name)
                    .await?
                    .map(|a| a.id)
                    .ok_or_else(|| anyhow::anyhow!("no agency {name}"))
            }
        };
        let council_id = agency("Charnwood Borough Council").await?;
        let police_id = agency("Leicestershire Police").await?;
        let icb = agency("Leicester, Leicestershire and Rutland Integrated Care Board").await?;
        let today = app.today();
        let ago = |days: i64| {
            today
                .plus_days(-days)
                .ok_or_else(|| anyhow::anyhow!("date"))
        };
        let mut names = Names(2024);

        // 1. A repeat victim of ASB, referred by the police: three
        //    incidents in three months flag them.
        let victim = names.person();
        let home = names.address();
        let c1 = refer(
            &app,
            &police,
            "jag",
            "asb",
            "[Demonstration] Repeated ASB at an older resident's home",
            RiskLevel::High,
            &[council_id],
            "Youths gathering outside the home, shouting and throwing stones at the windows; the resident is frightened to go out.",
            vec![
                (person(victim, Birth::AgeBand { from: 70, to: 79 }, Some(home), &[Vulnerability::Age, Vulnerability::Disability]), CaseRole::Victim),
                (person(names.person(), Birth::AgeBand { from: 15, to: 16 }, None, &[]), CaseRole::Perpetrator),
            ],
        )
        .await?;
        for (days, text) in [
            (70, "Stones thrown at the front window in the evening."),
            (41, "Group of four youths shouting abuse at the door."),
            (12, "Wheelie bin set alight outside the house."),
        ] {
            app.add_case_entry(&police, c1, EventKind::Incident, Some(ago(days)?), text)
                .await?;
        }

        // 2. A vulnerable location, led by the council, shared with the
        //    police under the section 115 agreement.
        let c2 = refer(
            &app,
            &council,
            "jag",
            "vulnerable_location",
            "[Demonstration] Drug litter and rough sleeping in a block's stairwell",
            RiskLevel::Medium,
            &[],
            "Residents report needles and people sleeping in the stairwell; the door entry system is broken.",
            vec![(person(names.person(), Birth::Unknown, Some(names.address()), &[Vulnerability::SubstanceMisuse]), CaseRole::SubjectOfConcern)],
        )
        .await?;
        app.share_case(
            &council,
            c2,
            police_id,
            "Crime and Disorder Act 1998, section 115",
            "Police patrols and a drugs warrant are being considered.",
        )
        .await?;

        // 3. A young person at risk of exploitation (a restricted type),
        //    for the Youth JAG.
        refer(
            &app,
            &police,
            "youth_jag",
            "exploitation",
            "[Demonstration] Young person going missing, seen with older males",
            RiskLevel::High,
            &[council_id],
            "Three missing episodes in a month; found twice in another town with unexplained cash.",
            vec![(
                person(
                    names.person(),
                    Birth::AgeBand { from: 14, to: 15 },
                    None,
                    &[Vulnerability::MissingEpisodes, Vulnerability::Exploitation],
                ),
                CaseRole::SubjectOfConcern,
            )],
        )
        .await?;

        // 4. An adult at risk, referred by the council with health
        //    involved: awaiting the forum's decision.
        refer(
            &app,
            &council,
            "adults_at_risk",
            "vulnerable_adult",
            "[Demonstration] Adult with mental ill health targeted by neighbours",
            RiskLevel::Medium,
            &[icb],
            "Neighbours have been taking the tenant's money; the tenant has stopped taking medication.",
            vec![(person(names.person(), Birth::AgeBand { from: 40, to: 49 }, Some(names.address()), &[Vulnerability::MentalHealth]), CaseRole::Victim)],
        )
        .await?;

        // 5. Deliberate fires, the fire service's own: only it and the
        //    coordinator see this one.
        let c5 = refer(
            &app,
            &fire,
            "jag",
            "vulnerable_location",
            "[Demonstration] Deliberate fires on waste ground behind a parade of shops",
            RiskLevel::Standard,
            &[],
            "Five small deliberate fires in two months; the same waste ground each time.",
            vec![(
                person(names.person(), Birth::Unknown, None, &[]),
                CaseRole::Witness,
            )],
        )
        .await?;

        // Locations: the block and the waste ground stand at police.uk
        // places (the busiest matching a real street of Loughborough), so
        // their pages show the published records there; the older
        // resident's home is an address alone.
        for (actor, case, street, address) in [
            (
                &council,
                c2,
                "Ashby Road",
                "[Demonstration] Sample Court, a block of flats",
            ),
            (
                &fire,
                c5,
                "Park",
                "[Demonstration] Waste ground behind a parade of shops",
            ),
        ] {
            let place = app
                .find_places(actor, street)?
                .into_iter()
                .next()
                .map(|f| f.place);
            app.add_case_location(
                actor,
                case,
                &safer_domain::casework::location::Location {
                    address: address.into(),
                    place,
                },
            )
            .await?;
        }
        app.add_case_location(
            &police,
            c1,
            &safer_domain::casework::location::Location {
                address: names.address(),
                place: None,
            },
        )
        .await?;

        // The young people gathering outside the resident's home, as a
        // group, the one named on the case its member.
        let young = app
            .case(&police, c1)
            .await?
            .people
            .iter()
            .filter(|p| p.role == CaseRole::Perpetrator)
            .map(|p| p.id)
            .collect::<Vec<_>>();
        app.add_case_group(
            &police,
            c1,
            &safer_domain::casework::group::Group {
                name: "[Demonstration] Street group on Sample Street".into(),
                description: "Four to six young people gathering most evenings after 6pm".into(),
            },
            &young,
        )
        .await?;

        // The JAG met two weeks ago: it accepted the referrals before it
        // and agreed actions; one of the council's is now overdue.
        let met = ago(14)?;
        let agencies: Vec<AgencyId> = vec![council_id, police_id];
        let meeting = app
            .add_meeting(
                &jag,
                "jag",
                met,
                "[Demonstration] Chair of the JAG",
                &agencies,
            )
            .await?;
        for c in [c1, c2, c5] {
            app.decide_referral(&jag, c, true, "Accepted at the JAG")
                .await?;
        }
        app.record_decision(
            &jag,
            meeting,
            c1,
            "Joint visit by the police and the council's ASB officer; consider a Community Protection Warning for the young person named.",
        )
        .await?;
        app.add_case_action(
            &jag,
            c1,
            &safer_app::casework::CaseActionEntry {
                agency: council_id,
                owner: "ASB officer".into(),
                text: "Visit the resident with the police and offer target hardening".into(),
                due: met.plus_days(7).ok_or_else(|| anyhow::anyhow!("date"))?,
                meeting: Some(meeting),
            },
        )
        .await?;
        app.add_case_action(
            &jag,
            c1,
            &safer_app::casework::CaseActionEntry {
                agency: police_id,
                owner: "Beat officer".into(),
                text: "Identify the youths and deliver early-intervention letters".into(),
                due: today.plus_days(14).ok_or_else(|| anyhow::anyhow!("date"))?,
                meeting: Some(meeting),
            },
        )
        .await?;
        app.record_decision(
            &jag,
            meeting,
            c2,
            "Council to repair the door entry system; police to patrol the block at night.",
        )
        .await?;
        // The next meeting, on the six-weekly cycle, for its agenda.
        let next = met.plus_days(42).ok_or_else(|| anyhow::anyhow!("date"))?;
        app.add_meeting(
            &jag,
            "jag",
            next,
            "[Demonstration] Chair of the JAG",
            &agencies,
        )
        .await?;
        let duties = crate::demo_duties::add(&app, &mut || names.person()).await?;
        app.close().await;
        eprintln!("{duties}");
        eprintln!(
            "    5 cases of the JAG, Youth JAG and Adults at Risk Group, 2 JAG meetings. Sign in as demo-caseworker (police), demo-council-caseworker and demo-fire in turn: each sees only the cases their agency is involved in or shared with (Cases, Meetings)."
        );
        anyhow::Ok(())
    })?
}

#[allow(clippy::too_many_arguments)]
async fn refer(
    app: &App,
    by: &Actor,
    forum: &str,
    case_type: &str,
    title: &str,
    risk: RiskLevel,
    involved: &[AgencyId],
    reason: &str,
    people: Vec<(Person, CaseRole)>,
) -> Result<safer_domain::CaseId> {
    let id = app
        .refer_case(
            by,
            &Referral {
                forum: forum.into(),
                case_type: case_type.into(),
                title: title.into(),
                risk,
                lead_agency: None,
                lead_officer: "[Demonstration] Officer".into(),
                involved: involved.to_vec(),
                reason: reason.into(),
                people: people
                    .into_iter()
                    .map(|(p, r)| (PersonOnReferral::New(p), r))
                    .collect(),
                referred_on: None,
            },
        )
        .await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_names_are_marked_and_the_same_on_every_run() {
        let (mut a, mut b) = (Names(2024), Names(2024));
        for _ in 0..20 {
            let n = a.person();
            assert!(n.starts_with("[Demonstration] "));
            assert_eq!(n, b.person());
        }
        assert!(a.address().ends_with("(fictional)"));
    }
}
