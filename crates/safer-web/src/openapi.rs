//! The OpenAPI 3.1.0 description of `/api/v1`, written by hand. A test
//! holds it to the route table: every API route is described.

use serde_json::{Value, json};

mod cases;

fn problem_responses(codes: &[u16]) -> Value {
    let mut m = serde_json::Map::new();
    for c in codes {
        let name = match c {
            400 => "BadRequest",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "NotFound",
            409 => "Conflict",
            422 => "Unprocessable",
            _ => "ServerError",
        };
        m.insert(
            c.to_string(),
            json!({ "$ref": format!("#/components/responses/{name}") }),
        );
    }
    m.insert(
        "500".into(),
        json!({ "$ref": "#/components/responses/ServerError" }),
    );
    Value::Object(m)
}

fn ok(description: &str, schema: Value, errors: &[u16]) -> Value {
    answered("200", description, schema, errors)
}

/// A 201 answer (a record made) and the problems a request may get.
fn created(description: &str, schema: Value, errors: &[u16]) -> Value {
    answered("201", description, schema, errors)
}

fn answered(status: &str, description: &str, schema: Value, errors: &[u16]) -> Value {
    let mut r = problem_responses(errors);
    if let Value::Object(m) = &mut r {
        m.insert(
            status.into(),
            json!({
                "description": description,
                "content": { "application/json": { "schema": schema } }
            }),
        );
    }
    r
}

/// The path parameters of a plan's measure.
fn measure_params() -> Value {
    json!([
        { "name": "id", "in": "path", "required": true, "description": "The plan's id.", "schema": { "type": "string", "examples": ["charnwood-2023-26"] } },
        { "name": "measure", "in": "path", "required": true, "description": "The measure's id, such as p1-m4.", "schema": { "type": "string", "examples": ["p1-m4"] } }
    ])
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn problem(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/problem+json": { "schema": schema_ref("Problem") } }
    })
}

/// The document served at `/api/v1/openapi.json`.
pub(crate) fn document() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Safer API",
            "version": "1",
            "description": "The figures of a Community Safety Partnership: plans, performance reviews, the strategic assessment and action plans. Authenticate with `Authorization: Bearer <token>` (scopes: `read` for GET, `write` for POST) or a browser session (writes then need the `X-CSRF-Token` header). Roles apply as in the web application (see docs/roles.md). Errors are RFC 9457 problem details.",
            "license": { "name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later" }
        },
        "servers": [{ "url": "/" }],
        "security": [{ "bearerAuth": [] }, { "sessionCookie": [] }],
        "paths": paths(),
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http", "scheme": "bearer",
                    "description": "An API token issued by an administrator, with scopes `read` and/or `write`."
                },
                "sessionCookie": { "type": "apiKey", "in": "cookie", "name": "safer_session" }
            },
            "responses": {
                "BadRequest": problem("The request is malformed (a bad parameter, not JSON)"),
                "Unauthorized": problem("No valid session or token (missing, unknown, expired or revoked)"),
                "Forbidden": problem("The user's role, the token's scope, the agency rule or the CSRF token does not allow this"),
                "NotFound": problem("No such plan, action, case, person, meeting or data, or none the caller may see (the two are not told apart)"),
                "Conflict": problem("The change conflicts with what is held"),
                "Unprocessable": problem("The body is JSON but not a valid update"),
                "ServerError": problem("Something went wrong on the server; nothing more is said")
            },
            "schemas": schemas()
        }
    })
}

fn paths() -> Value {
    let mut p = core_paths();
    for more in [value_paths(), narrative_paths(), cases::paths()] {
        if let (Some(map), Value::Object(more)) = (p.as_object_mut(), more) {
            map.extend(more);
        }
    }
    p
}

/// The parameters that choose an assessment.
fn assessment_params() -> Value {
    json!([
        {
            "name": "district", "in": "query", "required": false,
            "description": "The district as police.uk LSOA names begin, such as Charnwood. Default: the imported partnership's.",
            "schema": { "type": "string" }
        },
        {
            "name": "year", "in": "query", "required": false,
            "description": "The financial year, such as 2023/24. Default: the latest with data.",
            "schema": { "type": "string", "examples": ["2023/24"] }
        },
        {
            "name": "as_at", "in": "query", "required": false,
            "description": "The last month of a year-to-date assessment (YYYY-MM), within the year.",
            "schema": { "type": "string", "examples": ["2023-09"] }
        }
    ])
}

/// The analyst's narrative of an assessment: read it, and write it; and
/// a measure's commentary for a quarter's report.
fn narrative_paths() -> Value {
    let measure_params = measure_params();
    json!({
        "/api/v1/plans/{id}/measures/{measure}/commentary": {
            "get": {
                "operationId": "getMeasureCommentary",
                "summary": "A measure's commentary by quarter, oldest first",
                "parameters": measure_params.clone(),
                "responses": ok("The commentaries", json!({ "type": "array", "items": schema_ref("Commentary") }), &[401, 403, 404])
            },
            "post": {
                "operationId": "writeMeasureCommentary",
                "summary": "Write a measure's commentary for a quarter (an empty text removes it)",
                "description": "Needs the `write` scope (or a session and `X-CSRF-Token`) and the community safety officer or analyst role. Printed under the measure in that quarter's performance report.",
                "parameters": measure_params,
                "requestBody": {
                    "required": true,
                    "content": { "application/json": { "schema": schema_ref("CommentaryRequest") } }
                },
                "responses": ok("The measure's commentaries", json!({ "type": "array", "items": schema_ref("Commentary") }), &[400, 401, 403, 404, 422])
            }
        },
        "/api/v1/assessment/narrative": {
            "get": {
                "operationId": "getNarrative",
                "summary": "The analyst's narrative of an assessment (empty parts when nothing is written)",
                "parameters": assessment_params(),
                "responses": ok("The narrative", schema_ref("Narrative"), &[400, 401, 403, 404])
            },
            "post": {
                "operationId": "writeNarrative",
                "summary": "Write the analyst's narrative of an assessment: key findings, emerging threats, community tensions, recommended priorities",
                "description": "Needs the `write` scope (or a session and `X-CSRF-Token`) and the analyst role. Replaces the four parts; a part left out is empty. Printed with the assessment (HTML and PDF).",
                "parameters": assessment_params(),
                "requestBody": {
                    "required": true,
                    "content": { "application/json": { "schema": schema_ref("NarrativeRequest") } }
                },
                "responses": ok("The narrative saved", schema_ref("Narrative"), &[400, 401, 403, 404, 422])
            }
        }
    })
}

/// A measure's values: read them, and record one.
fn value_paths() -> Value {
    let params = measure_params();
    json!({
        "/api/v1/plans/{id}/actions": {
            "post": {
                "operationId": "addAction",
                "summary": "Add an action to a plan's action plan",
                "description": "Needs the `write` scope (or a session and `X-CSRF-Token`) and the community safety officer or JAG coordinator role. The lead agency is named as the partnership's agencies are.",
                "parameters": [params[0].clone()],
                "requestBody": {
                    "required": true,
                    "content": { "application/json": { "schema": schema_ref("ActionRequest") } }
                },
                "responses": created("The action was added", schema_ref("Action"), &[400, 401, 403, 404, 422])
            }
        },
        "/api/v1/actions/{id}": {
            "post": {
                "operationId": "editAction",
                "summary": "Change an action: its priority, aim, text, lead, dates, implications, outcome target and measure",
                "description": "Needs the `write` scope (or a session and `X-CSRF-Token`) and the community safety officer or JAG coordinator role. Every field is given, as when adding; the action's progress updates stay.",
                "parameters": [{
                    "name": "id", "in": "path", "required": true,
                    "description": "The action's id.",
                    "schema": { "type": "integer", "format": "int64", "minimum": 1, "examples": [1] }
                }],
                "requestBody": {
                    "required": true,
                    "content": { "application/json": { "schema": schema_ref("ActionRequest") } }
                },
                "responses": ok("The action as changed", schema_ref("Action"), &[400, 401, 403, 404, 422])
            }
        },
        "/api/v1/plans/{id}/measures/{measure}/values": {
            "get": {
                "operationId": "getMeasureValues",
                "summary": "Every value entered for a measure, corrections included: by quarter, then as entered (the last of a quarter is its value)",
                "parameters": params.clone(),
                "responses": ok("The entries", json!({ "type": "array", "items": schema_ref("MeasureValue") }), &[401, 403, 404])
            },
            "post": {
                "operationId": "recordMeasureValue",
                "summary": "Record or correct a quarter's value of a measure entered by hand",
                "description": "Needs the `write` scope (or a session and `X-CSRF-Token`) and the community safety officer role. A value for a quarter already entered corrects it; the earlier entry is kept.",
                "parameters": params,
                "requestBody": {
                    "required": true,
                    "content": { "application/json": { "schema": schema_ref("MeasureValueRequest") } }
                },
                "responses": created("The value was recorded", schema_ref("MeasureValue"), &[400, 401, 403, 404, 422])
            }
        }
    })
}

fn core_paths() -> Value {
    let id_param = json!({
        "name": "id", "in": "path", "required": true,
        "description": "The plan's id.",
        "schema": { "type": "string", "examples": ["charnwood-2023-26"] }
    });
    let action_id = json!({
        "name": "id", "in": "path", "required": true,
        "description": "The action's id.",
        "schema": { "type": "integer", "format": "int64", "examples": [1] }
    });
    json!({
        "/api/v1/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This description",
                "security": [],
                "responses": {
                    "200": {
                        "description": "The OpenAPI 3.1 document",
                        "content": { "application/json": { "schema": { "type": "object" } } }
                    }
                }
            }
        },
        "/api/v1/plans": {
            "get": {
                "operationId": "listPlans",
                "summary": "The plans held, newest first",
                "responses": ok("The plans", json!({ "type": "array", "items": schema_ref("PlanSummary") }), &[401, 403])
            }
        },
        "/api/v1/plans/{id}": {
            "get": {
                "operationId": "getPlan",
                "summary": "A plan: themes, priorities, objectives, responses and measures",
                "parameters": [id_param.clone()],
                "responses": ok("The plan", schema_ref("Plan"), &[400, 401, 403, 404])
            }
        },
        "/api/v1/plans/{id}/review": {
            "get": {
                "operationId": "getReview",
                "summary": "A plan's performance review at a quarter: every measure evaluated year to date, with the action plans",
                "parameters": [
                    id_param,
                    {
                        "name": "quarter", "in": "query", "required": false,
                        "description": "YYYY-Qn: quarter n of the financial year starting in April YYYY (2024-Q2 is July to September 2024). Default: the latest complete quarter held within the plan's years.",
                        "schema": { "type": "string", "examples": ["2024-Q2"] }
                    }
                ],
                "responses": ok("The review", schema_ref("PerformanceReview"), &[400, 401, 403, 404])
            }
        },
        "/api/v1/assessment": {
            "get": {
                "operationId": "getAssessment",
                "summary": "The Partnership Strategic Assessment of a district",
                "parameters": assessment_params(),
                "responses": ok("The assessment", schema_ref("Assessment"), &[400, 401, 403, 404])
            }
        },
        "/api/v1/actions": {
            "get": {
                "operationId": "listActions",
                "summary": "A plan's actions with their updates",
                "parameters": [{
                    "name": "plan", "in": "query", "required": false,
                    "description": "The plan's id. Default: the newest plan.",
                    "schema": { "type": "string" }
                }],
                "responses": ok("The actions", json!({ "type": "array", "items": schema_ref("Action") }), &[400, 401, 403, 404])
            }
        },
        "/api/v1/actions/{id}/updates": {
            "post": {
                "operationId": "addActionUpdate",
                "summary": "Record progress on an action and set its status",
                "description": "Needs the `write` scope (or a session and `X-CSRF-Token`). Agency leads may update only their own agency's actions; JAG coordinators and community safety officers any.",
                "parameters": [action_id],
                "requestBody": {
                    "required": true,
                    "content": { "application/json": { "schema": schema_ref("ActionUpdateRequest") } }
                },
                "responses": created("The update was recorded", schema_ref("ActionUpdateCreated"), &[400, 401, 403, 404, 422])
            }
        }
    })
}

fn schemas() -> Value {
    let mut s = core_schemas();
    for more in [task_schemas(), cases::schemas()] {
        if let (Some(map), Value::Object(more)) = (s.as_object_mut(), more) {
            map.extend(more);
        }
    }
    s
}

/// The bodies of the tasks' requests and answers (built apart: one json!
/// of every schema would pass the macro recursion limit).
fn task_schemas() -> Value {
    json!({
        "ActionRequest": {
            "type": "object",
            "required": ["priority", "aim", "key_action", "lead_agency", "start", "due", "outcome_target"],
            "properties": {
                "priority": { "type": "string", "description": "The priority's id, such as p1." },
                "aim": { "enum": ["enforcement", "intelligence", "prevention", "confidence"] },
                "key_action": { "type": "string", "maxLength": 2000 },
                "lead_agency": { "type": "string", "description": "The lead agency's name." },
                "start": { "type": "string", "format": "date" },
                "due": { "type": "string", "format": "date" },
                "financial_implications": { "type": "string", "maxLength": 2000 },
                "resource_implications": { "type": "string", "maxLength": 2000 },
                "outcome_target": { "type": "string", "maxLength": 2000 },
                "measure": { "type": "string", "description": "The id of the measure the action serves; empty for none." }
            }
        },
        "CommentaryRequest": {
            "type": "object",
            "required": ["quarter", "text"],
            "properties": {
                "quarter": { "type": "string", "description": "YYYY/YY-Qn or YYYY-Qn.", "examples": ["2024-Q2"] },
                "text": { "type": "string", "maxLength": 2000 }
            }
        },
        "Commentary": {
            "type": "object",
            "required": ["measure_id", "quarter", "text", "written_by", "written_at"],
            "properties": {
                "measure_id": { "type": "string" },
                "quarter": { "type": "string" },
                "text": { "type": "string" },
                "written_by": { "type": "string" },
                "written_at": { "type": "string" }
            }
        },
        "NarrativeRequest": {
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "key_findings": { "type": "string", "maxLength": 20000 },
                "emerging_threats": { "type": "string", "maxLength": 20000 },
                "community_tensions": { "type": "string", "maxLength": 20000 },
                "recommended_priorities": { "type": "string", "maxLength": 20000 }
            }
        },
        "Narrative": {
            "type": "object",
            "required": ["district", "year", "as_at", "key_findings", "emerging_threats", "community_tensions", "recommended_priorities", "written_by", "written_at"],
            "properties": {
                "district": { "type": "string" },
                "year": { "type": "string" },
                "as_at": { "type": ["string", "null"] },
                "key_findings": { "type": "string" },
                "emerging_threats": { "type": "string" },
                "community_tensions": { "type": "string" },
                "recommended_priorities": { "type": "string" },
                "written_by": { "type": ["string", "null"] },
                "written_at": { "type": ["string", "null"] }
            }
        },
        "MeasureValueRequest": {
            "type": "object",
            "required": ["quarter", "value"],
            "properties": {
                "quarter": { "type": "string", "description": "YYYY/YY-Qn or YYYY-Qn: quarter n of the financial year.", "examples": ["2024-Q2"] },
                "value": { "type": "number" },
                "note": { "type": "string", "maxLength": 500, "description": "Where the figure comes from." }
            }
        },
        "MeasureValue": {
            "type": "object",
            "required": ["measure_id", "quarter", "value", "note", "entered_by", "entered_at"],
            "properties": {
                "measure_id": { "type": "string" },
                "quarter": { "type": "string" },
                "value": { "type": "number" },
                "note": { "type": "string" },
                "entered_by": { "type": "string" },
                "entered_at": { "type": "string", "format": "date-time" }
            }
        }
    })
}

fn core_schemas() -> Value {
    let nullable_string = json!({ "type": ["string", "null"] });
    // Built apart: one json! of every schema would pass the macro recursion limit.
    let assessment = assessment_schema(&nullable_string);
    let coverage = json!({
        "description": "How many months of the year to date the figures compare like for like, of how many the status claims, and which months (or quarters) were left out of both years; null when not known.",
        "type": ["object", "null"],
        "required": ["unit", "months_claimed", "months_compared", "missing"],
        "properties": {
            "unit": { "enum": ["month", "quarter"] },
            "months_claimed": { "type": "integer" },
            "months_compared": { "type": "integer" },
            "missing": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["current", "current_held", "comparison_held"],
                    "properties": {
                        "current": schema_ref("Period"),
                        "comparison": { "oneOf": [schema_ref("Period"), { "type": "null" }] },
                        "current_held": { "type": "boolean" },
                        "comparison_held": { "type": "boolean" }
                    }
                }
            }
        }
    });
    json!({
        "Problem": {
            "type": "object",
            "description": "RFC 9457 problem details.",
            "required": ["type", "title", "status", "detail"],
            "properties": {
                "type": { "type": "string", "format": "uri-reference", "examples": ["about:blank"] },
                "title": { "type": "string" },
                "status": { "type": "integer" },
                "detail": { "type": "string" },
                "request_id": { "type": "string", "description": "The request's id, as in its X-Request-Id header: quote it when reporting a problem." }
            }
        },
        "PlanSummary": {
            "type": "object",
            "required": ["id", "title", "first_year"],
            "properties": {
                "id": { "type": "string" },
                "title": { "type": "string" },
                "first_year": { "type": "string", "examples": ["2023/24"] }
            }
        },
        "Statement": {
            "type": "object",
            "required": ["id", "text"],
            "properties": { "id": { "type": "string" }, "text": { "type": "string" } }
        },
        "Measure": {
            "type": "object",
            "required": ["id", "text", "direction", "target", "source", "unit"],
            "properties": {
                "id": { "type": "string" },
                "text": { "type": "string" },
                "direction": { "enum": ["lower", "higher", "monitor"] },
                "target": {
                    "type": "object", "required": ["kind"],
                    "properties": {
                        "kind": { "enum": ["reduce_by", "year_on_year_reduction", "reach_level", "increase_by", "improve_on_baseline", "monitor"] },
                        "percent": { "type": "number" },
                        "level": { "type": "number" }
                    }
                },
                "baseline": nullable_string,
                "baseline_values": {
                    "type": "array", "items": { "type": "number" },
                    "description": "The plan's values of the baseline year by quarter, quarter 1 first (measures entered by hand)."
                },
                "source": {
                    "type": "object", "required": ["kind"],
                    "properties": {
                        "kind": { "enum": ["police_uk", "manual", "case_records", "needs_data"] },
                        "category": { "type": "string" },
                        "record": { "type": "string" },
                        "needs": { "type": "string" }
                    }
                },
                "unit": { "type": "string" }
            }
        },
        "Priority": {
            "type": "object",
            "required": ["id", "number", "title", "why", "objectives", "responses", "measures"],
            "properties": {
                "id": { "type": "string" },
                "number": { "type": "integer" },
                "theme": nullable_string,
                "title": { "type": "string" },
                "why": { "type": "array", "items": { "type": "string" } },
                "objectives": { "type": "array", "items": schema_ref("Statement") },
                "responses": { "type": "array", "items": schema_ref("Statement") },
                "measures": { "type": "array", "items": schema_ref("Measure") }
            }
        },
        "Plan": {
            "type": "object",
            "required": ["id", "partnership", "title", "first_year", "last_year", "source", "themes", "priorities"],
            "properties": {
                "id": { "type": "string" },
                "partnership": { "type": "string" },
                "title": { "type": "string" },
                "first_year": { "type": "string", "examples": ["2023/24"] },
                "last_year": { "type": "string", "examples": ["2025/26"] },
                "vision": nullable_string,
                "source": { "type": "string" },
                "themes": {
                    "type": "array",
                    "items": { "type": "object", "properties": { "id": { "type": "string" }, "title": { "type": "string" } } }
                },
                "priorities": { "type": "array", "items": schema_ref("Priority") }
            }
        },
        "ActionStatus": {
            "enum": ["not_started", "on_track", "at_risk", "off_track", "complete", "cancelled"]
        },
        "ActionUpdate": {
            "type": "object",
            "required": ["date", "author", "text", "status"],
            "properties": {
                "date": { "type": "string", "format": "date" },
                "author": { "type": "string" },
                "text": { "type": "string" },
                "status": schema_ref("ActionStatus")
            }
        },
        "Action": {
            "type": "object",
            "required": ["id", "plan_id", "priority_id", "aim", "key_action", "lead_agency", "lead_agency_id", "start", "due", "status", "updates"],
            "properties": {
                "id": { "type": "integer", "format": "int64", "minimum": 1 },
                "plan_id": { "type": "string" },
                "priority_id": { "type": "string" },
                "aim": { "enum": ["enforcement", "intelligence", "prevention", "confidence"] },
                "key_action": { "type": "string" },
                "lead_agency": { "type": "string", "description": "The lead agency's name." },
                "lead_agency_id": {
                    "type": ["integer", "null"], "format": "int64", "minimum": 1,
                    "description": "The lead agency's id; null for a lead that names no agency of the partnership."
                },
                "start": { "type": "string", "format": "date" },
                "due": { "type": "string", "format": "date" },
                "financial_implications": { "type": "string" },
                "resource_implications": { "type": "string" },
                "outcome_target": { "type": "string" },
                "measure_id": nullable_string,
                "status": schema_ref("ActionStatus"),
                "updates": { "type": "array", "items": schema_ref("ActionUpdate") }
            }
        },
        "ActionUpdateRequest": {
            "type": "object",
            "required": ["status", "text"],
            "properties": {
                "status": schema_ref("ActionStatus"),
                "text": { "type": "string", "minLength": 1, "maxLength": 4000 },
                "date": { "type": "string", "format": "date", "description": "Default: today." }
            }
        },
        "ActionUpdateCreated": {
            "type": "object",
            "required": ["action_id", "date", "status", "text", "author"],
            "properties": {
                "action_id": { "type": "integer", "format": "int64" },
                "date": { "type": "string", "format": "date" },
                "status": schema_ref("ActionStatus"),
                "text": { "type": "string" },
                "author": { "type": "string" }
            }
        },
        "Period": {
            "type": "object",
            "required": ["first", "last"],
            "properties": {
                "first": { "type": "string", "examples": ["2023-04"] },
                "last": { "type": "string", "examples": ["2024-03"] }
            }
        },
        "Evaluation": {
            "type": "object",
            "required": ["status", "significance", "finding", "reason"],
            "properties": {
                "status": { "enum": ["on_track", "at_risk", "off_track", "no_data", "monitoring", "incomplete"] },
                "target": { "type": ["number", "null"] },
                "actual": { "type": ["number", "null"] },
                "comparison": { "type": ["number", "null"] },
                "change": {
                    "type": ["object", "null"],
                    "properties": {
                        "current": { "type": "integer" },
                        "previous": { "type": "integer" },
                        "absolute": { "type": "integer" },
                        "percent": { "type": ["number", "null"] }
                    }
                },
                "interval": {
                    "type": ["array", "null"],
                    "items": { "type": "number" }, "minItems": 2, "maxItems": 2
                },
                "significance": { "enum": ["significant_increase", "significant_decrease", "no_significant_change", "not_tested"] },
                "finding": schema_ref("Finding"),
                "reason": {
                    "type": "string",
                    "description": "The finding in one English sentence, with its numbers, as the reports print it."
                },
                "coverage": coverage
            }
        },
        "MeasureRow": {
            "type": "object",
            "required": ["id", "text", "source", "evaluation", "trend"],
            "properties": {
                "id": { "type": "string" },
                "text": { "type": "string" },
                "source": { "type": "string" },
                "comparison_year": nullable_string,
                "period": { "oneOf": [schema_ref("Period"), { "type": "null" }] },
                "evaluation": schema_ref("Evaluation"),
                "trend": {
                    "type": "array",
                    "description": "[quarter, value] pairs, oldest first.",
                    "items": { "type": "array", "prefixItems": [{ "type": "string" }, { "type": "number" }] }
                },
                "commentary": { "type": ["string", "null"], "description": "The commentary written for the review's quarter." }
            }
        },
        "PerformanceReview": {
            "type": "object",
            "required": ["plan_id", "plan_title", "quarter", "as_at", "priorities"],
            "properties": {
                "plan_id": { "type": "string" },
                "plan_title": { "type": "string" },
                "quarter": { "type": "string", "examples": ["2024/25-Q2"] },
                "as_at": { "type": "string", "format": "date" },
                "priorities": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id", "number", "title", "measures", "actions", "overdue"],
                        "properties": {
                            "id": { "type": "string" },
                            "number": { "type": "integer" },
                            "title": { "type": "string" },
                            "measures": { "type": "array", "items": schema_ref("MeasureRow") },
                            "actions": { "type": "array", "items": schema_ref("Action") },
                            "overdue": { "type": "array", "items": { "type": "integer" } }
                        }
                    }
                }
            }
        },
        "CategoryRow": {
            "type": "object",
            "description": "A row of the category table. The change is compared_current − compared_previous, over the months held in both years; current and previous are the totals of the months held in each period. A figure with no month held is null, never 0.",
            "required": ["category", "kind", "current", "previous", "change", "compared_current", "compared_previous"],
            "properties": {
                "category": { "type": "string" },
                "kind": { "enum": ["category", "all_crime", "group"] },
                "current": { "type": "integer" },
                "previous": { "type": ["integer", "null"] },
                "change": { "type": ["integer", "null"], "description": "Over the months held in both years." },
                "change_pct": { "type": ["number", "null"] },
                "rate_per_1000": { "type": ["number", "null"] },
                "rate_per_1000_annualised": { "type": ["number", "null"] },
                "compared_current": { "type": ["integer", "null"] },
                "compared_previous": { "type": ["integer", "null"] }
            }
        },
        "BeatRow": {
            "type": "object",
            "required": ["beat", "current", "previous", "change", "share", "rank", "compared_current", "compared_previous"],
            "properties": {
                "beat": { "type": "string" },
                "current": { "type": "integer" },
                "previous": { "type": ["integer", "null"] },
                "change": { "type": ["integer", "null"] },
                "change_pct": { "type": ["number", "null"] },
                "share": { "type": "number", "description": "Percent of the district's records." },
                "rank": { "type": "integer" },
                "compared_current": { "type": ["integer", "null"] },
                "compared_previous": { "type": ["integer", "null"] }
            }
        },
        "TrendRow": {
            "type": "object",
            "required": ["name", "years"],
            "properties": {
                "name": { "type": "string" },
                "years": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["year", "count", "months_held", "annualised"],
                        "properties": {
                            "year": { "type": "string" },
                            "count": { "type": ["integer", "null"] },
                            "months_held": { "type": "integer" },
                            "annualised": { "type": ["number", "null"] }
                        }
                    }
                }
            }
        },
        "Assessment": assessment,
        "Finding": finding_schema(),
        "NoStatus": no_status_schema(),
        "Scope": tagged(
            "How much of the period the figures cover: covered (as the evaluation's coverage says), whole, both_partial (only `months` held in both periods) or current_partial (no comparison, only `months` of the current period held).",
            &[
                ("covered", json!({})),
                ("whole", json!({})),
                ("both_partial", json!({ "months": { "type": "integer" } })),
                ("current_partial", json!({ "months": { "type": "integer" } })),
            ],
        ),
        "LeftOut": tagged(
            "Why a comparison figure the target does not need was left out.",
            &[
                ("different_months", json!({ "current": { "type": "integer" }, "comparison": { "type": "integer" } })),
                ("invalid", json!({ "value": { "type": ["number", "null"] }, "value_kind": { "enum": ["count", "level"] } })),
            ],
        ),
        "Against": tagged(
            "What a figure was judged against: level (the target itself), percent (`percent`% above, when `up`, or below the comparison figure) previous_year (the comparison figure, to be beaten) or baseline (the baseline year's figure over the same months, to be beaten).",
            &[
                ("level", json!({})),
                ("percent", json!({ "percent": { "type": "number" }, "up": { "type": "boolean" } })),
                ("previous_year", json!({})),
                ("baseline", json!({})),
            ],
        ),
        "Verdict": tagged(
            "The outcome of judging a figure against its target.",
            &[
                ("met", json!({})),
                ("stays_at_zero", json!({})),
                ("met_by_any_count", json!({})),
                ("nothing_either", json!({})),
                ("rise_from_zero", json!({})),
                ("above_zero_target", json!({})),
                ("within_chance", json!({})),
                ("beyond_chance", json!({})),
                ("within_tolerance", json!({ "gap": { "type": "number" }, "tolerance": { "type": "number" } })),
                ("beyond_tolerance", json!({ "gap": { "type": "number" }, "tolerance": { "type": "number" } })),
            ],
        )
    })
}

/// A `kind`-tagged union: one object per kind, with its own properties (all
/// required).
fn tagged(description: &str, kinds: &[(&str, Value)]) -> Value {
    let options: Vec<Value> = kinds
        .iter()
        .map(|(kind, props)| {
            let mut properties = serde_json::Map::new();
            properties.insert("kind".into(), json!({ "enum": [kind] }));
            let mut required = vec![json!("kind")];
            for (k, v) in props.as_object().into_iter().flatten() {
                properties.insert(k.clone(), v.clone());
                required.push(json!(k));
            }
            json!({ "type": "object", "required": required, "properties": properties })
        })
        .collect();
    json!({ "description": description, "oneOf": options })
}

fn finding_schema() -> Value {
    let value_kind = json!({ "enum": ["count", "level"] });
    let left_out = json!({ "oneOf": [schema_ref("LeftOut"), { "type": "null" }] });
    let mut s = tagged(
        "Why the measure has its status, as data (the `reason` says it in words): no_status (status no_data, and `why`), monitored (status monitoring), incomplete (too few months compared; `months_needed` would give a status) or judged (on_track, at_risk or off_track: what the figure was set against and the verdict). The figures it speaks of are the evaluation's own.",
        &[
            ("no_status", json!({ "why": schema_ref("NoStatus") })),
            (
                "monitored",
                json!({
                    "value_kind": value_kind,
                    "p_value": { "type": ["number", "null"] },
                    "scope": schema_ref("Scope"),
                    "left_out": left_out
                }),
            ),
            (
                "incomplete",
                json!({ "months_needed": { "type": "integer" } }),
            ),
            (
                "judged",
                json!({
                    "value_kind": value_kind,
                    "better": { "enum": ["lower", "higher"] },
                    "against": schema_ref("Against"),
                    "verdict": schema_ref("Verdict"),
                    "scope": schema_ref("Scope"),
                    "left_out": left_out
                }),
            ),
        ],
    );
    s["examples"] = json!([{
        "kind": "judged",
        "value_kind": "count",
        "better": "lower",
        "against": { "kind": "percent", "percent": 5.0, "up": false },
        "verdict": { "kind": "within_chance" },
        "scope": { "kind": "whole" },
        "left_out": null
    }]);
    s
}

fn no_status_schema() -> Value {
    // Numbers that are not numbers (NaN, infinity) are written as null.
    let number = json!({ "type": ["number", "null"] });
    let value_kind = json!({ "enum": ["count", "level"] });
    let months = json!({ "type": "integer" });
    tagged(
        "Why a measure has no status: a target, tolerance or minimum share that cannot be used, a missing or invalid figure, figures over different numbers of months, no police.uk data held, a category police.uk does not have, case records Safer holds none of for the months or does not count (`record` as the plan names it), or data Safer does not hold (`needs`, in the plan's words).",
        &[
            ("reduce_percent", json!({ "percent": number })),
            ("increase_percent", json!({ "percent": number })),
            ("target_level", json!({ "level": number })),
            ("tolerance", json!({ "tolerance": number })),
            ("min_coverage", json!({ "share": number })),
            ("no_current", json!({})),
            (
                "invalid_current",
                json!({ "value": number, "value_kind": value_kind }),
            ),
            ("no_comparison", json!({})),
            (
                "different_months",
                json!({ "current": months, "comparison": months }),
            ),
            (
                "invalid_comparison",
                json!({ "value": number, "value_kind": value_kind }),
            ),
            ("negative_baseline", json!({ "baseline": number })),
            ("impossible", json!({})),
            ("no_police_uk_data", json!({})),
            (
                "not_a_category",
                json!({ "category": { "type": "string" } }),
            ),
            ("case_records", json!({ "record": { "type": "string" } })),
            ("needs_data", json!({ "needs": { "type": "string" } })),
        ],
    )
}

fn assessment_schema(nullable_string: &Value) -> Value {
    json!({
        "type": "object",
        "required": ["district", "year", "comparison", "categories", "beats", "warnings"],
        "properties": {
            "district": { "type": "string" },
            "year": { "type": "string", "examples": ["2023/24"] },
            "as_at": nullable_string,
            "comparison": {
                "type": "object",
                "properties": {
                    "current_period": schema_ref("Period"),
                    "previous_period": schema_ref("Period"),
                    "current_months_missing": { "type": "array", "items": { "type": "string" } },
                    "previous_months_missing": { "type": "array", "items": { "type": "string" } },
                    "comparable_months": { "type": "array", "items": { "type": "string" } },
                    "like_for_like": { "type": "boolean" },
                    "current_months_held": { "type": "integer" },
                    "previous_months_held": { "type": "integer" }
                }
            },
            "population": {
                "type": ["object", "null"],
                "properties": { "value": { "type": "integer" }, "source": { "type": "string" } }
            },
            "categories": { "type": "array", "items": schema_ref("CategoryRow") },
            "beats": { "type": "array", "items": schema_ref("BeatRow") },
            "unplaced": { "oneOf": [schema_ref("BeatRow"), { "type": "null" }] },
            "beat_categories": {
                "type": "array",
                "description": "[beat, counts in the order of categories] pairs.",
                "items": { "type": "array" }
            },
            "trend_by_beat": { "type": "array", "items": schema_ref("TrendRow") },
            "trend_by_category": { "type": "array", "items": schema_ref("TrendRow") },
            "trend_by_month": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["month", "held", "counts"],
                    "properties": {
                        "month": { "type": "string" },
                        "held": { "type": "boolean" },
                        "counts": { "type": ["array", "null"], "items": { "type": "integer" } }
                    }
                }
            },
            "placement": { "type": "object" },
            "areas": {
                "type": "object",
                "properties": {
                    "basis": nullable_string,
                    "beats": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "name": { "type": "string" },
                                "localities": nullable_string,
                                "method": nullable_string
                            }
                        }
                    }
                }
            },
            "groups": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": { "type": "string" },
                        "categories": { "type": "array", "items": { "type": "string" } }
                    }
                }
            },
            "forces": { "type": "array", "items": { "type": "string" }, "description": "The district's own forces, whose files decide which months are held." },
            "force_basis": { "enum": ["configured", "force_area", "most_records", "unknown"] },
            "other_forces": {
                "type": "array",
                "description": "[force, records] pairs: the district's records in other forces' files in the months held.",
                "items": { "type": "array" }
            },
            "records_in_months_not_held": { "type": "integer" },
            "force_records_without_location": { "type": "integer" },
            "missing_months_held_span": { "type": "array", "items": { "type": "string" } },
            "warnings": { "type": "array", "items": { "type": "string" } }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::{Kind, ROUTES};

    #[test]
    fn every_api_route_is_described() {
        let doc = document();
        assert_eq!(doc["openapi"], "3.1.0");
        for r in ROUTES.iter().filter(|r| r.kind == Kind::Api) {
            let op = &doc["paths"][r.path][r.method.as_str().to_ascii_lowercase()];
            assert!(
                op.is_object(),
                "{} {} is not in the OpenAPI document",
                r.method.as_str(),
                r.path
            );
        }
    }

    #[test]
    fn every_reference_resolves() {
        let doc = document();
        let text = doc.to_string();
        for part in text.split("\"$ref\":\"#/").skip(1) {
            let path = &part[..part.find('"').unwrap()];
            let mut v = &doc;
            for seg in path.split('/') {
                v = &v[seg];
            }
            assert!(!v.is_null(), "unresolved $ref #/{path}");
        }
    }
}
