//! Need to know, from a hand-written table of what each role should get
//! for each relation of their agency to a case, written from the issue's
//! rules and reviewed line by line, not derived from the route table the
//! code enforces.
//!
//! The relations (see `helpers::Cases`): the role's agency is
//! **involved** in the case; is **uninvolved**; the case is **shared**
//! with it; or it is involved in a case of a **restricted** type
//! (Prevent: coordinators and caseworkers only). Each seeded user is of
//! their own agency; the coordinator sees every forum's case.
//!
//! "Allowed" is the route's success status; 404 and 403 bodies are checked
//! to hold nothing of the case (its title, person, address).

use reqwest::StatusCode;
use safer_domain::Role;

use crate::helpers::{App, Cases, Client, spawn_app};

/// The four relations, in the order of each row's columns.
const RELATIONS: [&str; 4] = ["involved", "uninvolved", "shared", "restricted"];

/// What a request should answer, per role, per relation.
struct Row {
    what: &'static str,
    expect: [(Role, [u16; 4]); 7],
}

use Role::{
    Administrator as Admin, AgencyLead as Lead, Analyst, Caseworker as Worker,
    CommunitySafetyOfficer as Cso, JagCoordinator as Coord, ReadOnlyPartner as ReadOnly,
};

/// The table. Columns: involved, uninvolved, shared, restricted.
const TABLE: &[Row] = &[
    Row {
        what: "GET /cases/{case}",
        expect: [
            (Worker, [200, 404, 200, 200]),
            (Lead, [200, 404, 200, 404]),
            (Cso, [200, 404, 200, 404]),
            (Coord, [200, 200, 200, 200]),
            (Analyst, [403, 403, 403, 403]),
            (ReadOnly, [403, 403, 403, 403]),
            (Admin, [403, 403, 403, 403]),
        ],
    },
    Row {
        what: "GET /api/v1/cases/{case}",
        expect: [
            (Worker, [200, 404, 200, 200]),
            (Lead, [200, 404, 200, 404]),
            (Cso, [200, 404, 200, 404]),
            (Coord, [200, 200, 200, 200]),
            (Analyst, [403, 403, 403, 403]),
            (ReadOnly, [403, 403, 403, 403]),
            (Admin, [403, 403, 403, 403]),
        ],
    },
    Row {
        what: "GET /people/{person}",
        expect: [
            (Worker, [200, 404, 200, 200]),
            (Lead, [200, 404, 200, 404]),
            (Cso, [200, 404, 200, 404]),
            (Coord, [200, 200, 200, 200]),
            (Analyst, [403, 403, 403, 403]),
            (ReadOnly, [403, 403, 403, 403]),
            (Admin, [403, 403, 403, 403]),
        ],
    },
    Row {
        what: "GET /api/v1/people/{person}",
        expect: [
            (Worker, [200, 404, 200, 200]),
            (Lead, [200, 404, 200, 404]),
            (Cso, [200, 404, 200, 404]),
            (Coord, [200, 200, 200, 200]),
            (Analyst, [403, 403, 403, 403]),
            (ReadOnly, [403, 403, 403, 403]),
            (Admin, [403, 403, 403, 403]),
        ],
    },
    Row {
        what: "GET /locations/{location}",
        expect: [
            (Worker, [200, 404, 200, 200]),
            (Lead, [200, 404, 200, 404]),
            (Cso, [200, 404, 200, 404]),
            (Coord, [200, 200, 200, 200]),
            (Analyst, [403, 403, 403, 403]),
            (ReadOnly, [403, 403, 403, 403]),
            (Admin, [403, 403, 403, 403]),
        ],
    },
    Row {
        what: "GET /api/v1/locations/{location}",
        expect: [
            (Worker, [200, 404, 200, 200]),
            (Lead, [200, 404, 200, 404]),
            (Cso, [200, 404, 200, 404]),
            (Coord, [200, 200, 200, 200]),
            (Analyst, [403, 403, 403, 403]),
            (ReadOnly, [403, 403, 403, 403]),
            (Admin, [403, 403, 403, 403]),
        ],
    },
    Row {
        what: "GET /groups/{group}",
        expect: [
            (Worker, [200, 404, 200, 200]),
            (Lead, [200, 404, 200, 404]),
            (Cso, [200, 404, 200, 404]),
            (Coord, [200, 200, 200, 200]),
            (Analyst, [403, 403, 403, 403]),
            (ReadOnly, [403, 403, 403, 403]),
            (Admin, [403, 403, 403, 403]),
        ],
    },
    // Finding a case's police.uk place shows nothing of the case, but only
    // for a case the caller may work.
    Row {
        what: "GET /cases/{case}/places?q=road",
        expect: [
            (Worker, [200, 404, 200, 200]),
            (Lead, [403, 403, 403, 403]),
            (Cso, [403, 403, 403, 403]),
            (Coord, [200, 200, 200, 200]),
            (Analyst, [403, 403, 403, 403]),
            (ReadOnly, [403, 403, 403, 403]),
            (Admin, [403, 403, 403, 403]),
        ],
    },
    // Writing on a case: caseworkers within their need to know, and the
    // coordinator; agency leads and safety officers read only.
    Row {
        what: "POST /cases/{case}/entries",
        expect: [
            (Worker, [303, 404, 303, 303]),
            (Lead, [403, 403, 403, 403]),
            (Cso, [403, 403, 403, 403]),
            (Coord, [303, 303, 303, 303]),
            (Analyst, [403, 403, 403, 403]),
            (ReadOnly, [403, 403, 403, 403]),
            (Admin, [403, 403, 403, 403]),
        ],
    },
    Row {
        what: "POST /api/v1/cases/{case}/entries",
        expect: [
            (Worker, [201, 404, 201, 201]),
            (Lead, [403, 403, 403, 403]),
            (Cso, [403, 403, 403, 403]),
            (Coord, [201, 201, 201, 201]),
            (Analyst, [403, 403, 403, 403]),
            (ReadOnly, [403, 403, 403, 403]),
            (Admin, [403, 403, 403, 403]),
        ],
    },
    // Sharing is a caseworker's or the coordinator's, within what they see.
    Row {
        what: "POST /cases/{case}/share",
        expect: [
            (Worker, [303, 404, 303, 303]),
            (Lead, [403, 403, 403, 403]),
            (Cso, [403, 403, 403, 403]),
            (Coord, [303, 303, 303, 303]),
            (Analyst, [403, 403, 403, 403]),
            (ReadOnly, [403, 403, 403, 403]),
            (Admin, [403, 403, 403, 403]),
        ],
    },
];

/// Whether the case is in each place a reader finds cases: its list, the
/// API's list, a search for its person's name, and the meeting's minutes
/// (an agency's copy leaves restricted types out; the coordinator's full
/// copy has them). 1: found, 0: absent, -: the role has no such place.
/// A place cases are found, and per role whether each relation's case is.
type Place = (&'static str, [(Role, [&'static str; 4]); 4]);

const FOUND: &[Place] = &[
    (
        "the case list (/cases)",
        [
            (Worker, ["1", "0", "1", "1"]),
            (Lead, ["1", "0", "1", "0"]),
            (Cso, ["1", "0", "1", "0"]),
            (Coord, ["1", "1", "1", "1"]),
        ],
    ),
    (
        "the API's case list (/api/v1/cases)",
        [
            (Worker, ["1", "0", "1", "1"]),
            (Lead, ["1", "0", "1", "0"]),
            (Cso, ["1", "0", "1", "0"]),
            (Coord, ["1", "1", "1", "1"]),
        ],
    ),
    (
        "a search for the person's name (/search)",
        [
            (Worker, ["1", "0", "1", "1"]),
            (Lead, ["1", "0", "1", "0"]),
            (Cso, ["1", "0", "1", "0"]),
            (Coord, ["1", "1", "1", "1"]),
        ],
    ),
    (
        "the meeting's minutes (/meetings/{meeting}/minutes)",
        [
            (Worker, ["1", "0", "1", "0"]),
            (Lead, ["1", "0", "1", "0"]),
            (Cso, ["1", "0", "1", "0"]),
            (Coord, ["1", "1", "1", "1"]),
        ],
    ),
];

fn case_of(app: &App, rel: usize) -> (safer_domain::CaseId, safer_domain::PersonId) {
    let c = &app.ids.cases;
    [c.involved, c.uninvolved, c.shared, c.restricted][rel]
}

async fn request(app: &App, c: &Client, what: &str, rel: usize) -> reqwest::Response {
    let (case, person) = case_of(app, rel);
    let (method, path) = what.split_once(' ').expect("method and path");
    let path = path
        .replace("{case}", &case.to_string())
        .replace("{person}", &person.to_string())
        .replace("{location}", &app.ids.cases.locations[rel].to_string())
        .replace("{group}", &app.ids.cases.groups[rel].to_string());
    match (method, path.starts_with("/api/")) {
        ("GET", _) => c.get(&path).await,
        ("POST", true) => {
            let body = if path.ends_with("/entries") {
                r#"{"kind": "note", "text": "Spoke to the victim"}"#
            } else {
                "{}"
            };
            c.http
                .post(c.url(&path))
                .header("content-type", "application/json")
                .header("x-csrf-token", c.csrf().await)
                .body(body)
                .send()
                .await
                .expect("POST")
        }
        ("POST", false) => {
            let fields: &[(&str, &str)] = if path.ends_with("/share") {
                &[
                    ("with", "1"),
                    ("agreement", "Crime and Disorder Act 1998, section 115"),
                    ("share-reason", "The agency works with the victim"),
                ]
            } else {
                &[("kind", "note"), ("entry-text", "Spoke to the victim")]
            };
            c.post_form(&path, fields).await
        }
        _ => unreachable!("{what}"),
    }
}

/// Nothing of a case in a refusal: not its title, person or address.
fn reveals_nothing(body: &str, rel: usize) -> bool {
    let (name, title) = Cases::NAMES[rel];
    !body.contains(name) && !body.contains(title)
}

#[tokio::test]
async fn every_role_gets_what_the_table_says_for_every_relation() {
    for app in spawn_app().await {
        let b = app.backend;
        let mut clients = Vec::new();
        for role in Role::ALL {
            clients.push((role, app.login_as(role).await));
        }
        for row in TABLE {
            for (role, expected) in row.expect {
                let c = &clients.iter().find(|(r, _)| *r == role).unwrap().1;
                for (rel, want) in expected.into_iter().enumerate() {
                    let resp = request(&app, c, row.what, rel).await;
                    let status = resp.status().as_u16();
                    let body = resp.text().await.unwrap_or_default();
                    let what = format!(
                        "[{b}] {} as {role} ({} case): {status}",
                        row.what, RELATIONS[rel]
                    );
                    assert_eq!(status, want, "{what}: {body:.300}");
                    if status == 404 || status == 403 {
                        assert!(
                            reveals_nothing(&body, rel),
                            "{what} reveals the case: {body}"
                        );
                    }
                    if status == 200 && row.what == "GET /cases/{case}" {
                        assert!(body.contains(Cases::NAMES[rel].1), "{what}");
                    }
                }
            }
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn a_case_outside_the_need_to_know_is_in_no_list_search_or_minutes() {
    for app in spawn_app().await {
        let b = app.backend;
        let meeting = app.ids.cases.meeting;
        for (place, rows) in FOUND {
            for (role, expected) in rows {
                let c = app.login_as(*role).await;
                for (rel, want) in expected.iter().enumerate() {
                    let (case, _) = case_of(&app, rel);
                    let (name, title) = Cases::NAMES[rel];
                    let body = match *place {
                        p if p.contains("/api/v1/cases") => c.get("/api/v1/cases").await,
                        p if p.contains("/search") => {
                            c.get(&format!("/search?q={}", name.replace(' ', "+")))
                                .await
                        }
                        p if p.contains("minutes") => {
                            c.get(&format!("/meetings/{meeting}/minutes")).await
                        }
                        _ => c.get("/cases").await,
                    };
                    assert_eq!(body.status(), StatusCode::OK, "[{b}] {place} as {role}");
                    let body = body.text().await.unwrap();
                    let found = if place.contains("/api/v1/cases") {
                        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                        v.as_array()
                            .unwrap()
                            .iter()
                            .any(|c| c["id"] == serde_json::json!(case.get()))
                    } else if place.contains("/search") {
                        // The search box holds the name searched for: what
                        // counts is a link to the person.
                        body.contains(&format!("href=\"/people/{}\"", case_of(&app, rel).1))
                    } else {
                        body.contains(title)
                    };
                    assert_eq!(
                        found,
                        *want == "1",
                        "[{b}] {place} as {role}, {} case",
                        RELATIONS[rel]
                    );
                }
            }
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn every_view_of_a_case_is_audited_and_every_attempt_outside_it_too() {
    for app in spawn_app().await {
        let b = app.backend;
        let worker = app.login_as(Role::Caseworker).await;
        let (seen, _) = app.ids.cases.involved;
        let (unseen, _) = app.ids.cases.uninvolved;
        assert_eq!(worker.get(&format!("/cases/{seen}")).await.status(), 200);
        assert_eq!(worker.get(&format!("/cases/{unseen}")).await.status(), 404);
        assert_eq!(worker.get("/cases/999999").await.status(), 404);
        let log = app.db.audit_log(50).await.unwrap();
        assert!(
            log.iter().any(|e| e.actor == "caseworker"
                && e.action == "view_case"
                && e.target == format!("case {seen}")),
            "[{b}] the view is audited"
        );
        assert!(
            log.iter().any(|e| e.actor == "caseworker"
                && e.action == "access_denied"
                && e.target == format!("case {unseen}")),
            "[{b}] the attempt is audited"
        );
        assert!(
            !log.iter()
                .any(|e| e.target == "case 999999" && e.action == "access_denied"),
            "[{b}] a case that does not exist is not an attempt on one"
        );
        // The two 404s are the same page, but for the number asked.
        let page = |body: String, id: &str| {
            // Each answer has its own request id.
            let at = body.find("request id <code>").expect("a request id");
            let end = at + body[at..].find("</code>").expect("its end");
            format!("{}{}", &body[..at], &body[end..])
                .replace(&format!("There is no case {id}."), "There is no case N.")
        };
        let a = worker
            .get(&format!("/cases/{unseen}"))
            .await
            .text()
            .await
            .unwrap();
        let z = worker.get("/cases/999999").await.text().await.unwrap();
        assert_eq!(page(a, &unseen.to_string()), page(z, "999999"), "[{b}]");
        app.stop().await;
    }
}
