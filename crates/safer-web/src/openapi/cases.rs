//! The case-work part of the OpenAPI description: cases, people, case
//! actions and meetings. Every answer holds only what the caller's need to
//! know allows; a case outside it is 404.

use serde_json::{Value, json};

use super::{created, ok, schema_ref};

fn id(what: &str, example: i64) -> Value {
    json!({
        "name": "id", "in": "path", "required": true,
        "description": format!("The {what}'s id."),
        "schema": { "type": "integer", "format": "int64", "minimum": 1, "examples": [example] }
    })
}

fn body(schema: &str) -> Value {
    json!({
        "required": true,
        "content": { "application/json": { "schema": schema_ref(schema) } }
    })
}

pub(super) fn paths() -> Value {
    json!({
        "/api/v1/cases": {
            "get": {
                "operationId": "listCases",
                "summary": "The cases the caller may see, newest first",
                "description": "Caseworkers, agency leads and community safety officers see the cases their agency is involved in or that are shared with it; JAG coordinators every forum's. Restricted types (Prevent, exploitation by default) need a named role. Every call is audited.",
                "responses": ok("The cases", json!({ "type": "array", "items": schema_ref("Case") }), &[401, 403])
            },
            "post": {
                "operationId": "referCase",
                "summary": "Refer a case to a forum, with its people in their roles",
                "description": "The caller's agency is always involved. Needs the `write` scope (or a session and `X-CSRF-Token`).",
                "requestBody": body("ReferralRequest"),
                "responses": created("The case was referred", schema_ref("CaseFile"), &[400, 401, 403, 422])
            }
        },
        "/api/v1/cases/{id}": {
            "get": {
                "operationId": "getCase",
                "summary": "A case: its people, chronology, actions and shares",
                "parameters": [id("case", 1)],
                "responses": ok("The case file", schema_ref("CaseFile"), &[400, 401, 403, 404])
            }
        },
        "/api/v1/cases/{id}/entries": {
            "post": {
                "operationId": "addCaseEntry",
                "summary": "Add a note or an incident to a case's chronology",
                "parameters": [id("case", 1)],
                "requestBody": body("CaseEntryRequest"),
                "responses": created("The entry was added", schema_ref("CaseFile"), &[400, 401, 403, 404, 422])
            }
        },
        "/api/v1/cases/{id}/actions": {
            "post": {
                "operationId": "addCaseAction",
                "summary": "Agree an action on a case for an agency",
                "parameters": [id("case", 1)],
                "requestBody": body("CaseActionRequest"),
                "responses": created("The action was agreed", schema_ref("CaseFile"), &[400, 401, 403, 404, 422])
            }
        },
        "/api/v1/people/{id}": {
            "get": {
                "operationId": "getPerson",
                "summary": "A person and the cases (that the caller may see) they are on",
                "parameters": [id("person", 1)],
                "responses": ok("The person", schema_ref("PersonFile"), &[400, 401, 403, 404])
            }
        },
        "/api/v1/locations/{id}": {
            "get": {
                "operationId": "getLocation",
                "summary": "A location: its cases, the incidents on them and the police.uk records at its place, with the repeat-location flags",
                "parameters": [id("location", 1)],
                "responses": ok("The location", schema_ref("LocationFile"), &[400, 401, 403, 404])
            }
        },
        "/api/v1/case-actions": {
            "get": {
                "operationId": "listCaseActions",
                "summary": "The open case actions of the caller's agency (a coordinator: all), overdue first",
                "responses": ok("The actions", json!({ "type": "array", "items": schema_ref("CaseAction") }), &[401, 403])
            }
        },
        "/api/v1/case-actions/{id}/updates": {
            "post": {
                "operationId": "updateCaseAction",
                "summary": "Record an update of a case action the caller's agency owns",
                "parameters": [id("case action", 1)],
                "requestBody": body("CaseActionUpdateRequest"),
                "responses": created("The update was recorded", schema_ref("CaseFile"), &[400, 401, 403, 404, 422])
            }
        },
        "/api/v1/meetings": {
            "get": {
                "operationId": "listMeetings",
                "summary": "The forums' meetings, latest first",
                "responses": ok("The meetings", json!({ "type": "array", "items": schema_ref("Meeting") }), &[401, 403])
            }
        },
        "/api/v1/meetings/{id}/minutes": {
            "get": {
                "operationId": "getMinutes",
                "summary": "A meeting's minutes: the caller's agency's copy, holding only the cases it may see",
                "parameters": [
                    id("meeting", 1),
                    {
                        "name": "agency", "in": "query", "required": false,
                        "description": "For a JAG coordinator: the agency whose copy to give. Default: the full copy. Others always get their own agency's.",
                        "schema": { "type": "integer", "format": "int64", "minimum": 1 }
                    }
                ],
                "responses": ok("The minutes", schema_ref("Minutes"), &[400, 401, 403, 404, 422])
            }
        }
    })
}

pub(super) fn schemas() -> Value {
    let date = json!({ "type": "string", "format": "date" });
    let risk = json!({ "enum": ["standard", "medium", "high"] });
    let role = json!({ "enum": ["victim", "perpetrator", "witness", "professional", "subject_of_concern", "carer"] });
    let case = json!({
        "type": "object",
        "required": ["id", "forum", "forum_name", "case_type", "case_type_name", "title", "status", "risk", "lead_agency", "lead_officer", "last_reviewed", "next_review", "outcome", "open_actions", "overdue_actions"],
        "properties": {
            "id": { "type": "integer" },
            "forum": { "type": "string", "examples": ["jag"] },
            "forum_name": { "type": "string" },
            "case_type": { "type": "string", "examples": ["asb"] },
            "case_type_name": { "type": "string" },
            "title": { "type": "string" },
            "status": { "enum": ["referred", "open", "declined", "closed"] },
            "risk": risk,
            "lead_agency": { "type": "string" },
            "lead_officer": { "type": "string" },
            "last_reviewed": date,
            "next_review": { "type": ["string", "null"], "format": "date" },
            "outcome": { "type": ["string", "null"] },
            "open_actions": { "type": "integer" },
            "overdue_actions": { "type": "integer" }
        }
    });
    let person = json!({
        "type": "object",
        "required": ["name", "aliases", "birth", "address", "vulnerabilities"],
        "properties": {
            "name": { "type": "string", "minLength": 1 },
            "aliases": { "type": "array", "items": { "type": "string" } },
            "birth": {
                "oneOf": [
                    { "type": "object", "required": ["kind", "date"], "properties": { "kind": { "const": "date" }, "date": date } },
                    { "type": "object", "required": ["kind", "from", "to"], "properties": { "kind": { "const": "age_band" }, "from": { "type": "integer", "minimum": 0, "maximum": 255 }, "to": { "type": "integer", "minimum": 0, "maximum": 255 } } },
                    { "type": "object", "required": ["kind"], "properties": { "kind": { "const": "unknown" } } }
                ]
            },
            "address": { "type": ["string", "null"] },
            "vulnerabilities": { "type": "array", "items": { "enum": ["mental_health", "substance_misuse", "exploitation", "missing_episodes", "domestic_abuse", "disability", "age"] } }
        }
    });
    let action_status = json!({ "enum": ["open", "done", "cancelled"] });
    json!({
        "Case": case,
        "Person": person,
        "CaseAction": {
            "type": "object",
            "required": ["id", "case_id", "agency", "owner", "text", "due", "status", "days_late", "meeting", "updates"],
            "properties": {
                "id": { "type": "integer" },
                "case_id": { "type": "integer" },
                "agency": { "type": "string" },
                "owner": { "type": "string" },
                "text": { "type": "string" },
                "due": date,
                "status": action_status,
                "days_late": { "type": "integer", "minimum": 0 },
                "meeting": { "type": ["integer", "null"] },
                "updates": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["on", "status", "text", "author"],
                        "properties": { "on": date, "status": action_status, "text": { "type": "string" }, "author": { "type": "string" } }
                    }
                }
            }
        },
        "CaseFile": {
            "allOf": [schema_ref("Case"), {
                "type": "object",
                "required": ["involved", "shared_with", "people", "chronology", "actions", "locations", "groups"],
                "properties": {
                    "involved": { "type": "array", "items": { "type": "string" } },
                    "shared_with": { "type": "array", "items": { "type": "string" } },
                    "people": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "role", "person", "incidents_in_window", "repeat_victim", "possible_duplicates"],
                            "properties": {
                                "id": { "type": "integer" },
                                "role": role,
                                "person": schema_ref("Person"),
                                "incidents_in_window": { "type": "integer" },
                                "repeat_victim": { "type": "boolean" },
                                "possible_duplicates": { "type": "array", "items": { "type": "integer" } }
                            }
                        }
                    },
                    "chronology": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["on", "kind", "text", "risk", "author", "agency", "meeting"],
                            "properties": {
                                "on": date,
                                "kind": { "enum": ["referred", "accepted", "declined", "note", "incident", "risk_assessed", "decision", "shared", "closed", "reopened"] },
                                "text": { "type": "string" },
                                "risk": { "enum": ["standard", "medium", "high", null] },
                                "author": { "type": "string" },
                                "agency": { "type": "string" },
                                "meeting": { "type": ["integer", "null"] }
                            }
                        }
                    },
                    "actions": { "type": "array", "items": schema_ref("CaseAction") },
                    "locations": { "type": "array", "items": schema_ref("Location") },
                    "groups": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "name", "description", "members"],
                            "properties": {
                                "id": { "type": "integer" },
                                "name": { "type": "string" },
                                "description": { "type": "string" },
                                "members": { "type": "array", "items": { "type": "integer" }, "description": "The people (ids) of the group the caller may see." }
                            }
                        }
                    }
                }
            }]
        },
        "Location": {
            "type": "object",
            "required": ["id", "address", "place"],
            "properties": {
                "id": { "type": "integer" },
                "address": { "type": "string" },
                "place": {
                    "description": "The police.uk place the location stands at: its location text and LSOA.",
                    "oneOf": [
                        { "type": "null" },
                        { "type": "object", "required": ["street", "lsoa_code", "lsoa_name"], "properties": { "street": { "type": "string" }, "lsoa_code": { "type": "string" }, "lsoa_name": { "type": "string" } } }
                    ]
                }
            }
        },
        "LocationFile": {
            "allOf": [schema_ref("Location"), {
                "type": "object",
                "required": ["cases", "case_incidents_in_window", "repeat_by_cases", "police_uk_window", "police_uk_records_in_window", "police_uk_asb_in_window", "repeat_by_police_uk"],
                "properties": {
                    "cases": { "type": "array", "items": schema_ref("Case") },
                    "case_incidents_in_window": { "type": "integer" },
                    "repeat_by_cases": { "type": "boolean" },
                    "police_uk_window": { "type": ["array", "null"], "description": "The first and last month (YYYY-MM) of police.uk data counted.", "items": { "type": "string" } },
                    "police_uk_records_in_window": { "type": "integer" },
                    "police_uk_asb_in_window": { "type": "integer" },
                    "repeat_by_police_uk": { "type": "boolean" }
                }
            }]
        },
        "PersonFile": {
            "type": "object",
            "required": ["id", "person", "cases"],
            "properties": {
                "id": { "type": "integer" },
                "person": schema_ref("Person"),
                "cases": { "type": "array", "items": { "allOf": [schema_ref("Case"), { "type": "object", "required": ["role"], "properties": { "role": role } }] } }
            }
        },
        "ReferralRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": ["forum", "case_type", "title", "risk", "reason", "people"],
            "properties": {
                "forum": { "type": "string", "examples": ["jag"] },
                "case_type": { "type": "string", "examples": ["asb"] },
                "title": { "type": "string", "minLength": 1 },
                "risk": risk,
                "reason": { "type": "string", "minLength": 1 },
                "lead_agency": { "type": ["integer", "null"], "description": "The lead agency's id; default the caller's." },
                "lead_officer": { "type": "string" },
                "involved": { "type": "array", "items": { "type": "integer" } },
                "people": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["role"],
                        "description": "A new person, or the id of one held that the caller may see.",
                        "properties": { "role": role, "person": schema_ref("Person"), "person_id": { "type": "integer" } }
                    }
                }
            },
            "examples": [{
                "forum": "jag", "case_type": "asb", "title": "Repeated ASB at a home", "risk": "high",
                "reason": "Three reports of stones thrown at the window in a month",
                "people": [{ "role": "victim", "person": { "name": "[Demonstration] Sam Example", "aliases": [], "birth": { "kind": "age_band", "from": 70, "to": 79 }, "address": null, "vulnerabilities": ["age"] } }]
            }]
        },
        "CaseEntryRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": ["kind", "text"],
            "properties": {
                "kind": { "enum": ["note", "incident"] },
                "on": { "type": "string", "format": "date", "description": "When it happened; default today. Never after today." },
                "text": { "type": "string", "minLength": 1 }
            }
        },
        "CaseActionRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": ["agency", "owner", "text", "due"],
            "properties": {
                "agency": { "type": "integer", "description": "The owning agency's id." },
                "owner": { "type": "string", "minLength": 1 },
                "text": { "type": "string", "minLength": 1 },
                "due": date
            }
        },
        "CaseActionUpdateRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": ["status", "text"],
            "properties": { "status": action_status, "text": { "type": "string", "minLength": 1 } }
        },
        "Meeting": {
            "type": "object",
            "required": ["id", "forum", "forum_name", "held_on", "chair"],
            "properties": {
                "id": { "type": "integer" },
                "forum": { "type": "string" },
                "forum_name": { "type": "string" },
                "held_on": date,
                "chair": { "type": "string" }
            }
        },
        "Minutes": {
            "type": "object",
            "required": ["meeting", "forum", "held_on", "chair", "attended", "recipient", "items"],
            "properties": {
                "meeting": { "type": "integer" },
                "forum": { "type": "string" },
                "held_on": date,
                "chair": { "type": "string" },
                "attended": { "type": "array", "items": { "type": "string" } },
                "recipient": { "type": ["string", "null"], "description": "The agency whose copy this is; null for the forum's full copy." },
                "items": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["case_id", "title", "decisions", "actions"],
                        "properties": {
                            "case_id": { "type": "integer" },
                            "title": { "type": "string" },
                            "decisions": { "type": "array", "items": { "type": "string" } },
                            "actions": { "type": "array", "items": schema_ref("CaseAction") }
                        }
                    }
                }
            }
        }
    })
}
