//! The route table: every route of the application, who may use it, and
//! how it is audited. Written once here; the router, the gate, the access
//! matrix in `docs/roles.md` ([`access_matrix_markdown`]) and the access
//! tests are all made from [`ROUTES`].
//!
//! Roles come from [`safer_domain::Role`]. A route is either public or open
//! to a list of roles; a user holding any one of them may use it. Rules
//! that depend on the record (an agency lead may update only their own
//! agency's actions) are checked by the handler on top of the table.

use safer_domain::{Role, User};

/// The HTTP methods the application answers (HEAD is answered as GET).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// A signed-in user holding any of these roles.
    Roles(&'static [Role]),
}

/// What a route serves, which decides how errors and refusals look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An HTML page or a download for people: errors are GOV.UK pages, and
    /// someone not signed in is sent to the sign-in page.
    Page,
    /// JSON under `/api/v1`: errors are `application/problem+json`, and a
    /// caller not signed in gets 401.
    Api,
    /// A static file.
    Asset,
    /// An operational check (`/healthz`): public, plain text, for load
    /// balancers.
    Probe,
}

/// What the audit log records of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audit {
    /// Nothing (reading published figures).
    None,
    /// Every successful view (routes showing personal data).
    View,
    /// Every successful download.
    Export,
    /// Every successful change, under this action name.
    Change(&'static str),
    /// The handler writes its own entries (sign-in and sign-out events).
    Handler,
}

/// One route.
#[derive(Debug, Clone, Copy)]
pub struct RouteSpec {
    pub method: Method,
    /// The axum path, with `{name}` parameters.
    pub path: &'static str,
    pub access: Access,
    pub kind: Kind,
    /// Shows data about people (users, the audit log): every view is audited.
    pub personal_data: bool,
    pub audit: Audit,
    /// What the route is for, in a few words.
    pub summary: &'static str,
}

const EVERYONE: &[Role] = &Role::ALL;
const ACTION_EDITORS: &[Role] = &[
    Role::CommunitySafetyOfficer,
    Role::JagCoordinator,
    Role::AgencyLead,
];
const FUND_KEEPERS: &[Role] = &[Role::CommunitySafetyOfficer, Role::JagCoordinator];
const ANALYSTS: &[Role] = &[Role::Analyst];
/// Who keeps the action plans: adds and changes actions.
const ACTION_KEEPERS: &[Role] = &[Role::CommunitySafetyOfficer, Role::JagCoordinator];
/// Who keeps the plan and its measures' values.
const PLAN_KEEPERS: &[Role] = &[Role::CommunitySafetyOfficer];
const ADMINISTRATORS: &[Role] = &[Role::Administrator];
/// Who writes the commentary on the measures for the reports.
const COMMENTATORS: &[Role] = &[Role::CommunitySafetyOfficer, Role::Analyst];
/// Who reads and refers cases, each within their need to know.
const CASE_READERS: &[Role] = safer_app::casework::CASE_READERS;
/// Who works cases: notes, incidents, risk, actions, shares.
const CASE_WORKERS: &[Role] = safer_app::casework::CASE_WORKERS;
/// Who runs the forums: referrals' decisions, meetings, closures.
const FORUM_RUNNERS: &[Role] = safer_app::casework::FORUM_RUNNERS;
/// Who reads Community Trigger applications (the handlers all, a
/// caseworker their lead agency's).
const TRIGGER_READERS: &[Role] = safer_app::trigger::TRIGGER_READERS;
/// Who may sit on a Domestic Homicide Review's panel (membership decides
/// what each sees).
const DHR_PANEL: &[Role] = safer_app::dhr::DHR_PANEL_ROLES;
/// Who records a notification of a death.
const DHR_COMMISSIONERS: &[Role] = safer_app::dhr::DHR_COMMISSIONERS;
/// Who sees the overdue board (each their own scope of it).
const OVERDUE_READERS: &[Role] = CASE_READERS;
/// The point of contact who handles applications.
const TRIGGER_HANDLERS: &[Role] = safer_app::trigger::TRIGGER_HANDLERS;

const fn page(
    method: Method,
    path: &'static str,
    access: Access,
    audit: Audit,
    summary: &'static str,
) -> RouteSpec {
    RouteSpec {
        method,
        path,
        access,
        kind: Kind::Page,
        personal_data: false,
        audit,
        summary,
    }
}

const fn personal(spec: RouteSpec) -> RouteSpec {
    RouteSpec {
        personal_data: true,
        ..spec
    }
}

const fn api(
    method: Method,
    path: &'static str,
    access: Access,
    audit: Audit,
    summary: &'static str,
) -> RouteSpec {
    RouteSpec {
        method,
        path,
        access,
        kind: Kind::Api,
        personal_data: false,
        audit,
        summary,
    }
}

const fn asset(path: &'static str, summary: &'static str) -> RouteSpec {
    RouteSpec {
        method: Method::Get,
        path,
        access: Access::Public,
        kind: Kind::Asset,
        personal_data: false,
        audit: Audit::None,
        summary,
    }
}

use Access::{Public, Roles};
use Method::{Get, Post};

/// Every route of the application.
pub const ROUTES: &[RouteSpec] = &[
    page(Get, "/sign-in", Public, Audit::None, "The sign-in form"),
    page(Post, "/sign-in", Public, Audit::Handler, "Sign in"),
    page(
        Post,
        "/sign-out",
        Roles(EVERYONE),
        Audit::Handler,
        "Sign out",
    ),
    page(
        Get,
        "/",
        Roles(EVERYONE),
        Audit::None,
        "Dashboard: plans and measures by quarter",
    ),
    page(
        Get,
        "/assessment",
        Roles(EVERYONE),
        Audit::None,
        "Strategic assessment explorer with the beat map",
    ),
    page(
        Get,
        "/assessment/report",
        Roles(EVERYONE),
        Audit::None,
        "The printable strategic assessment, with the analyst's narrative",
    ),
    page(
        Get,
        "/assessment/report.pdf",
        Roles(EVERYONE),
        Audit::Export,
        "The strategic assessment as PDF",
    ),
    page(
        Get,
        "/assessment/narrative",
        Roles(ANALYSTS),
        Audit::None,
        "The form to write the analyst's narrative of an assessment",
    ),
    page(
        Post,
        "/assessment/narrative",
        Roles(ANALYSTS),
        Audit::Change("write_narrative"),
        "Write the analyst's narrative of an assessment: key findings, emerging threats, community tensions, recommended priorities",
    ),
    page(
        Get,
        "/assessment/tables/{file}",
        Roles(EVERYONE),
        Audit::Export,
        "A table of the strategic assessment as CSV",
    ),
    page(
        Get,
        "/plans",
        Roles(EVERYONE),
        Audit::None,
        "The plans held",
    ),
    page(
        Get,
        "/plans/upload",
        Roles(PLAN_KEEPERS),
        Audit::None,
        "The form to import a plan file, or only check it",
    ),
    page(
        Post,
        "/plans/upload",
        Roles(PLAN_KEEPERS),
        Audit::Change("import_plan"),
        "Import a plan file (a new plan or its annual refresh), or only check it",
    ),
    page(
        Get,
        "/plans/{id}",
        Roles(EVERYONE),
        Audit::None,
        "A plan and its action plans",
    ),
    page(
        Get,
        "/plans/{id}/actions/new",
        Roles(ACTION_KEEPERS),
        Audit::None,
        "The form to add an action to a plan",
    ),
    page(
        Post,
        "/plans/{id}/actions/new",
        Roles(ACTION_KEEPERS),
        Audit::Change("add_action"),
        "Add an action to a plan's action plan",
    ),
    page(
        Get,
        "/actions/{id}/edit",
        Roles(ACTION_KEEPERS),
        Audit::None,
        "The form to change an action",
    ),
    page(
        Post,
        "/actions/{id}/edit",
        Roles(ACTION_KEEPERS),
        Audit::Change("edit_action"),
        "Change an action: its priority, aim, text, lead, dates, implications, target and measure",
    ),
    page(
        Get,
        "/plans/{id}/measures/{measure}",
        Roles(EVERYONE),
        Audit::None,
        "A measure, its values by quarter and who entered them",
    ),
    page(
        Post,
        "/plans/{id}/measures/{measure}",
        Roles(PLAN_KEEPERS),
        Audit::Change("record_value"),
        "Record or correct a quarter's value of a measure entered by hand",
    ),
    page(
        Post,
        "/plans/{id}/measures/{measure}/commentary",
        Roles(COMMENTATORS),
        Audit::Change("write_commentary"),
        "Write a measure's commentary for a quarter's performance report",
    ),
    page(
        Get,
        "/plans/{id}/report",
        Roles(EVERYONE),
        Audit::None,
        "The printable quarterly performance report",
    ),
    page(
        Get,
        "/actions/{id}/update",
        Roles(ACTION_EDITORS),
        Audit::None,
        "The form to update an action",
    ),
    page(
        Post,
        "/actions/{id}/update",
        Roles(ACTION_EDITORS),
        Audit::Change("update_action"),
        "Record an action's progress",
    ),
    page(
        Get,
        "/fund",
        Roles(FUND_KEEPERS),
        Audit::None,
        "The fund's years, and the form to set a year's allocation",
    ),
    page(
        Post,
        "/fund",
        Roles(FUND_KEEPERS),
        Audit::Change("set_allocation"),
        "Set (or replace) a year's allocation",
    ),
    page(
        Get,
        "/fund/{partnership}/{year}",
        Roles(FUND_KEEPERS),
        Audit::None,
        "The Partnership Locality Fund for a year",
    ),
    page(
        Post,
        "/fund/{partnership}/{year}/projects",
        Roles(FUND_KEEPERS),
        Audit::Change("add_project"),
        "Add a project paid for from the year's allocation",
    ),
    page(
        Post,
        "/fund/{partnership}/{year}/spend",
        Roles(FUND_KEEPERS),
        Audit::Change("record_spend"),
        "Record a quarter's spend on a project (a negative amount: a refund)",
    ),
    page(
        Get,
        "/fund/{partnership}/{year}/return.csv",
        Roles(FUND_KEEPERS),
        Audit::Export,
        "The fund return as CSV",
    ),
    page(
        Get,
        "/fund/{partnership}/{year}/return.xlsx",
        Roles(FUND_KEEPERS),
        Audit::Export,
        "The fund return as XLSX",
    ),
    page(
        Get,
        "/import",
        Roles(ANALYSTS),
        Audit::None,
        "The police.uk upload form",
    ),
    page(
        Post,
        "/import",
        Roles(ANALYSTS),
        Audit::Change("import_police_uk"),
        "Import police.uk files, all or nothing",
    ),
    personal(page(
        Get,
        "/cases",
        Roles(CASE_READERS),
        Audit::View,
        "The cases the caller may see, with their actions due and overdue",
    )),
    page(
        Get,
        "/cases/new",
        Roles(CASE_READERS),
        Audit::None,
        "The form to refer a case to a forum",
    ),
    page(
        Post,
        "/cases/new",
        Roles(CASE_READERS),
        Audit::Change("refer_case"),
        "Refer a case to a forum, with its people in their roles",
    ),
    personal(page(
        Get,
        "/cases/{id}",
        Roles(CASE_READERS),
        Audit::View,
        "A case: its people, chronology, risk, actions and shares",
    )),
    page(
        Get,
        "/community-trigger",
        Public,
        Audit::None,
        "The public application form for an ASB case review (Community Trigger), no sign-in",
    ),
    page(
        Post,
        "/community-trigger",
        Public,
        Audit::Change("apply_community_trigger"),
        "Apply for an ASB case review (limited per address; acknowledged with a reference)",
    ),
    page(
        Get,
        "/community-trigger/statistics",
        Public,
        Audit::None,
        "The published s104(10) figures of ASB case reviews for any 12 months",
    ),
    page(
        Get,
        "/community-trigger/statistics.csv",
        Public,
        Audit::Export,
        "The s104(10) figures as CSV",
    ),
    personal(page(
        Get,
        "/triggers",
        Roles(TRIGGER_READERS),
        Audit::View,
        "The ASB case review applications the reader may see",
    )),
    page(
        Get,
        "/triggers/new",
        Roles(TRIGGER_HANDLERS),
        Audit::None,
        "The form to record an application taken by telephone, letter or in person",
    ),
    page(
        Post,
        "/triggers/new",
        Roles(TRIGGER_HANDLERS),
        Audit::Change("record_community_trigger"),
        "Record an application for an ASB case review",
    ),
    personal(page(
        Get,
        "/triggers/{id}",
        Roles(TRIGGER_READERS),
        Audit::View,
        "An application: its clocks, the rules' explained finding and its handling",
    )),
    page(
        Post,
        "/triggers/{id}/acknowledge",
        Roles(TRIGGER_HANDLERS),
        Audit::Change("acknowledge_community_trigger"),
        "Record an application acknowledged",
    ),
    page(
        Post,
        "/triggers/{id}/lead",
        Roles(TRIGGER_HANDLERS),
        Audit::Change("lead_community_trigger"),
        "Name an application's lead agency",
    ),
    page(
        Post,
        "/triggers/{id}/complaints",
        Roles(TRIGGER_HANDLERS),
        Audit::Change("add_trigger_complaint"),
        "Add a complaint to an application before its decision",
    ),
    page(
        Post,
        "/triggers/{id}/cases",
        Roles(TRIGGER_HANDLERS),
        Audit::Change("link_trigger_case"),
        "Link a case whose incidents count as complaints",
    ),
    page(
        Post,
        "/triggers/{id}/decision",
        Roles(TRIGGER_HANDLERS),
        Audit::Change("decide_community_trigger"),
        "Record the threshold decision on the rules' assessment",
    ),
    page(
        Post,
        "/triggers/{id}/meeting",
        Roles(TRIGGER_HANDLERS),
        Audit::Change("schedule_case_review"),
        "Set the review meeting, the victim invited or not",
    ),
    page(
        Post,
        "/triggers/{id}/review",
        Roles(TRIGGER_HANDLERS),
        Audit::Change("record_case_review"),
        "Record the review held and its outcome",
    ),
    page(
        Post,
        "/triggers/{id}/recommendations",
        Roles(TRIGGER_HANDLERS),
        Audit::Change("recommend_case_review"),
        "Add a review's recommendation to a named body",
    ),
    page(
        Post,
        "/triggers/{id}/recommendations/{rec}",
        Roles(TRIGGER_HANDLERS),
        Audit::Change("update_recommendation"),
        "Record a recommendation's follow-up",
    ),
    page(
        Post,
        "/triggers/{id}/appeal",
        Roles(TRIGGER_HANDLERS),
        Audit::Change("appeal_community_trigger"),
        "Record the applicant's appeal",
    ),
    page(
        Post,
        "/triggers/{id}/appeal/decision",
        Roles(TRIGGER_HANDLERS),
        Audit::Change("decide_appeal"),
        "Record the appeal's decision",
    ),
    page(
        Post,
        "/triggers/{id}/close",
        Roles(TRIGGER_HANDLERS),
        Audit::Change("close_community_trigger"),
        "Close an application once decided",
    ),
    personal(page(
        Get,
        "/triggers/{id}/letter",
        Roles(TRIGGER_READERS),
        Audit::Export,
        "A letter to the applicant from the partnership's template, to print",
    )),
    personal(page(
        Get,
        "/triggers/{id}/letter.pdf",
        Roles(TRIGGER_READERS),
        Audit::Export,
        "A letter to the applicant as PDF",
    )),
    personal(page(
        Get,
        "/dhrs",
        Roles(DHR_PANEL),
        Audit::View,
        "The Domestic Homicide Reviews the reader sits on the panel of",
    )),
    page(
        Get,
        "/dhrs/new",
        Roles(DHR_COMMISSIONERS),
        Audit::None,
        "The form to record the police's notification of a death",
    ),
    page(
        Post,
        "/dhrs/new",
        Roles(DHR_COMMISSIONERS),
        Audit::Change("notify_dhr"),
        "Record a notification and commission the review, with its panel",
    ),
    personal(page(
        Get,
        "/dhrs/{id}",
        Roles(DHR_PANEL),
        Audit::View,
        "A review (its panel only): stage, clocks, agencies' reports and the learning action plan",
    )),
    page(
        Post,
        "/dhrs/{id}/stage",
        Roles(DHR_PANEL),
        Audit::Change("update_dhr"),
        "Record a review's next stage: decision, Home Office told, quality assurance, publication",
    ),
    page(
        Post,
        "/dhrs/{id}/update",
        Roles(DHR_PANEL),
        Audit::Change("update_dhr"),
        "Ask for or receive a chronology or IMR, add or complete a learning action, the chair, adjournment",
    ),
    page(
        Post,
        "/dhrs/{id}/panel",
        Roles(DHR_PANEL),
        Audit::Change("update_dhr"),
        "Add a user to a review's panel",
    ),
    personal(page(
        Get,
        "/overdue",
        Roles(OVERDUE_READERS),
        Audit::View,
        "The overdue board: every duty's clocks the reader may see, by agency, forum or duty",
    )),
    personal(page(
        Get,
        "/overdue/digest",
        Roles(OVERDUE_READERS),
        Audit::View,
        "The weekly digest for an agency: what is late and what falls due in seven days",
    )),
    personal(page(
        Get,
        "/overdue/digest.txt",
        Roles(OVERDUE_READERS),
        Audit::Export,
        "The weekly digest as email-ready text",
    )),
    personal(page(
        Get,
        "/cases/{id}/escalation",
        Roles(CASE_READERS),
        Audit::View,
        "A case's ASB escalation ladder for each perpetrator, with youth work, place powers and referrals",
    )),
    page(
        Post,
        "/cases/{id}/steps",
        Roles(CASE_WORKERS),
        Audit::Change("take_step"),
        "Take a step of the ASB escalation ladder with a perpetrator, if the rules allow it",
    ),
    page(
        Post,
        "/cases/{id}/steps/{step}/breach",
        Roles(CASE_WORKERS),
        Audit::Change("record_breach"),
        "Record a breach against a step of the ladder",
    ),
    page(
        Post,
        "/cases/{id}/steps/{step}/contract",
        Roles(CASE_WORKERS),
        Audit::Change("review_abc"),
        "Record an Acceptable Behaviour Contract's review or early end",
    ),
    page(
        Post,
        "/cases/{id}/records",
        Roles(CASE_WORKERS),
        Audit::Change("add_case_record"),
        "Add a management plan, diversionary activity, place power or referral to a case",
    ),
    page(
        Post,
        "/cases/{id}/records/{record}",
        Roles(CASE_WORKERS),
        Audit::Change("update_case_record"),
        "Close a management plan or record a diversionary activity's attendance",
    ),
    page(
        Post,
        "/cases/{id}/entries",
        Roles(CASE_WORKERS),
        Audit::Change("add_case_entry"),
        "Add a note or an incident to a case's chronology",
    ),
    page(
        Post,
        "/cases/{id}/risk",
        Roles(CASE_WORKERS),
        Audit::Change("assess_risk"),
        "Record a risk assessment of a case",
    ),
    page(
        Post,
        "/cases/{id}/share",
        Roles(CASE_WORKERS),
        Audit::Change("share_case"),
        "Share a case with another agency under an information-sharing agreement",
    ),
    page(
        Post,
        "/cases/{id}/actions",
        Roles(CASE_WORKERS),
        Audit::Change("add_case_action"),
        "Agree an action on a case for an agency",
    ),
    page(
        Post,
        "/cases/{id}/decision",
        Roles(FORUM_RUNNERS),
        Audit::Change("decide_referral"),
        "Accept or decline a referral",
    ),
    page(
        Post,
        "/cases/{id}/close",
        Roles(FORUM_RUNNERS),
        Audit::Change("close_case"),
        "Close a case with its outcome",
    ),
    page(
        Post,
        "/cases/{id}/refer-again",
        Roles(CASE_READERS),
        Audit::Change("refer_again"),
        "Refer a closed or declined case again",
    ),
    page(
        Get,
        "/cases/{id}/places",
        Roles(CASE_WORKERS),
        Audit::None,
        "Find the police.uk place of a case's location among the district's places",
    ),
    page(
        Post,
        "/cases/{id}/locations",
        Roles(CASE_WORKERS),
        Audit::Change("add_case_location"),
        "Add a location to a case: an address, with its police.uk place if chosen",
    ),
    personal(page(
        Get,
        "/locations/{id}",
        Roles(CASE_READERS),
        Audit::View,
        "A location: its cases, their incidents, the police.uk records at its place, repeat flags",
    )),
    page(
        Post,
        "/cases/{id}/groups",
        Roles(CASE_WORKERS),
        Audit::Change("add_case_group"),
        "Add a group to a case, with its members (people on the case)",
    ),
    personal(page(
        Get,
        "/groups/{id}",
        Roles(CASE_READERS),
        Audit::View,
        "A group: its members and cases",
    )),
    personal(page(
        Get,
        "/case-actions",
        Roles(CASE_READERS),
        Audit::View,
        "The open case actions of the caller's agency (the coordinator: all), overdue first",
    )),
    page(
        Post,
        "/case-actions/{id}/update",
        Roles(CASE_WORKERS),
        Audit::Change("update_case_action"),
        "Record an update of a case action the caller's agency owns",
    ),
    personal(page(
        Get,
        "/people/{id}",
        Roles(CASE_READERS),
        Audit::View,
        "A person and the cases they are on",
    )),
    page(
        Post,
        "/people/{id}/rectify",
        Roles(CASE_WORKERS),
        Audit::Change("rectify_person"),
        "Correct a person's record, keeping the earlier version with the reason",
    ),
    page(
        Post,
        "/people/{id}/merge",
        Roles(CASE_WORKERS),
        Audit::Change("merge_people"),
        "Merge a duplicate record into the one kept (the merge can be undone)",
    ),
    page(
        Post,
        "/merges/{id}/undo",
        Roles(CASE_WORKERS),
        Audit::Change("undo_merge"),
        "Undo a merge of two records",
    ),
    page(
        Post,
        "/people/{id}/delete",
        Roles(FORUM_RUNNERS),
        Audit::Change("delete_person"),
        "Delete a person from every case and record (the audit log keeps the fact)",
    ),
    personal(page(
        Get,
        "/people/{id}/subject-access",
        Roles(FORUM_RUNNERS),
        Audit::Export,
        "Everything held about a person, to print, for a subject access request",
    )),
    personal(page(
        Get,
        "/people/{id}/subject-access.pdf",
        Roles(FORUM_RUNNERS),
        Audit::Export,
        "The subject access export as PDF",
    )),
    personal(page(
        Get,
        "/people/{id}/subject-access.json",
        Roles(FORUM_RUNNERS),
        Audit::Export,
        "The subject access export as JSON",
    )),
    page(
        Post,
        "/cases/{id}/delete",
        Roles(FORUM_RUNNERS),
        Audit::Change("delete_case"),
        "Delete an ended case with its records, and the people on no other case",
    ),
    personal(page(
        Get,
        "/retention",
        Roles(FORUM_RUNNERS),
        Audit::View,
        "The cases whose retention period has run, to delete or keep",
    )),
    personal(page(
        Get,
        "/search",
        Roles(CASE_READERS),
        Audit::View,
        "Search people (typo-tolerant) and cases within the caller's need to know",
    )),
    page(
        Get,
        "/meetings",
        Roles(CASE_READERS),
        Audit::None,
        "The forums' meetings, and the form to add one",
    ),
    page(
        Post,
        "/meetings",
        Roles(FORUM_RUNNERS),
        Audit::Change("add_meeting"),
        "Add a meeting of a forum, its chair and attendance",
    ),
    personal(page(
        Get,
        "/meetings/{id}",
        Roles(CASE_READERS),
        Audit::View,
        "A meeting's agenda: referrals, cases due for review, overdue actions",
    )),
    page(
        Post,
        "/meetings/{id}/decisions",
        Roles(FORUM_RUNNERS),
        Audit::Change("record_decision"),
        "Record the forum's decision on a case at a meeting, and an action if agreed",
    ),
    personal(page(
        Get,
        "/meetings/{id}/minutes",
        Roles(CASE_READERS),
        Audit::Export,
        "A meeting's minutes: each agency's copy holds only the cases it may see",
    )),
    personal(page(
        Get,
        "/meetings/{id}/minutes.pdf",
        Roles(CASE_READERS),
        Audit::Export,
        "A meeting's minutes as PDF, the same copy as the page",
    )),
    personal(page(
        Get,
        "/admin/audit",
        Roles(ADMINISTRATORS),
        Audit::View,
        "The audit log and its chain check",
    )),
    personal(page(
        Get,
        "/admin/access",
        Roles(ADMINISTRATORS),
        Audit::View,
        "The agency's access report: who of the administrator's agency read which case records",
    )),
    personal(page(
        Get,
        "/admin/audit.csv",
        Roles(ADMINISTRATORS),
        Audit::Export,
        "The audit log as CSV",
    )),
    page(
        Post,
        "/admin/users",
        Roles(ADMINISTRATORS),
        Audit::Change("add_user"),
        "Add a user (their password is shown once)",
    ),
    page(
        Post,
        "/admin/users/{username}/{change}",
        Roles(ADMINISTRATORS),
        Audit::Change("disable_user, enable_user, unlock_user or reset_password"),
        "Disable, enable or unlock a user, or reset their password (shown once)",
    ),
    page(
        Post,
        "/admin/agencies",
        Roles(ADMINISTRATORS),
        Audit::Change("add_agency"),
        "Add an agency of the partnership",
    ),
    page(
        Post,
        "/admin/tokens",
        Roles(ADMINISTRATORS),
        Audit::Change("create_api_token"),
        "Make an API token for a user (its secret is shown once)",
    ),
    page(
        Post,
        "/admin/tokens/{id}/revoke",
        Roles(ADMINISTRATORS),
        Audit::Change("revoke_api_token"),
        "Revoke an API token",
    ),
    personal(page(
        Get,
        "/admin/users",
        Roles(ADMINISTRATORS),
        Audit::View,
        "Users, agencies and roles",
    )),
    api(
        Get,
        "/api/v1/openapi.json",
        Public,
        Audit::None,
        "This API's OpenAPI 3.1 description",
    ),
    api(
        Get,
        "/api/v1/plans",
        Roles(EVERYONE),
        Audit::None,
        "The plans held",
    ),
    api(
        Get,
        "/api/v1/plans/{id}",
        Roles(EVERYONE),
        Audit::None,
        "A plan",
    ),
    api(
        Get,
        "/api/v1/plans/{id}/review",
        Roles(EVERYONE),
        Audit::None,
        "A plan's performance review for a quarter",
    ),
    api(
        Get,
        "/api/v1/assessment",
        Roles(EVERYONE),
        Audit::None,
        "A strategic assessment",
    ),
    api(
        Get,
        "/api/v1/assessment/narrative",
        Roles(EVERYONE),
        Audit::None,
        "The analyst's narrative of an assessment",
    ),
    api(
        Post,
        "/api/v1/assessment/narrative",
        Roles(ANALYSTS),
        Audit::Change("write_narrative"),
        "Write the analyst's narrative of an assessment",
    ),
    api(
        Get,
        "/api/v1/actions",
        Roles(EVERYONE),
        Audit::None,
        "A plan's actions and their updates",
    ),
    api(
        Post,
        "/api/v1/plans/{id}/actions",
        Roles(ACTION_KEEPERS),
        Audit::Change("add_action"),
        "Add an action to a plan's action plan",
    ),
    api(
        Post,
        "/api/v1/actions/{id}",
        Roles(ACTION_KEEPERS),
        Audit::Change("edit_action"),
        "Change an action: its priority, aim, text, lead, dates, implications, target and measure",
    ),
    api(
        Post,
        "/api/v1/actions/{id}/updates",
        Roles(ACTION_EDITORS),
        Audit::Change("update_action"),
        "Record an action's progress",
    ),
    api(
        Get,
        "/api/v1/plans/{id}/measures/{measure}/values",
        Roles(EVERYONE),
        Audit::None,
        "Every value entered for a measure, corrections included",
    ),
    api(
        Post,
        "/api/v1/plans/{id}/measures/{measure}/values",
        Roles(PLAN_KEEPERS),
        Audit::Change("record_value"),
        "Record or correct a quarter's value of a measure entered by hand",
    ),
    api(
        Get,
        "/api/v1/plans/{id}/measures/{measure}/commentary",
        Roles(EVERYONE),
        Audit::None,
        "A measure's commentary by quarter",
    ),
    api(
        Post,
        "/api/v1/plans/{id}/measures/{measure}/commentary",
        Roles(COMMENTATORS),
        Audit::Change("write_commentary"),
        "Write a measure's commentary for a quarter",
    ),
    personal(api(
        Get,
        "/api/v1/cases",
        Roles(CASE_READERS),
        Audit::View,
        "The cases the caller may see",
    )),
    api(
        Post,
        "/api/v1/cases",
        Roles(CASE_READERS),
        Audit::Change("refer_case"),
        "Refer a case to a forum, with its people in their roles",
    ),
    personal(api(
        Get,
        "/api/v1/cases/{id}",
        Roles(CASE_READERS),
        Audit::View,
        "A case: its people, chronology, actions and shares",
    )),
    api(
        Post,
        "/api/v1/cases/{id}/entries",
        Roles(CASE_WORKERS),
        Audit::Change("add_case_entry"),
        "Add a note or an incident to a case's chronology",
    ),
    api(
        Post,
        "/api/v1/cases/{id}/actions",
        Roles(CASE_WORKERS),
        Audit::Change("add_case_action"),
        "Agree an action on a case for an agency",
    ),
    personal(api(
        Get,
        "/api/v1/people/{id}",
        Roles(CASE_READERS),
        Audit::View,
        "A person and the cases they are on",
    )),
    personal(api(
        Get,
        "/api/v1/locations/{id}",
        Roles(CASE_READERS),
        Audit::View,
        "A location: its cases, the police.uk records at its place and the repeat flags",
    )),
    personal(api(
        Get,
        "/api/v1/case-actions",
        Roles(CASE_READERS),
        Audit::View,
        "The open case actions of the caller's agency (the coordinator: all)",
    )),
    api(
        Post,
        "/api/v1/case-actions/{id}/updates",
        Roles(CASE_WORKERS),
        Audit::Change("update_case_action"),
        "Record an update of a case action the caller's agency owns",
    ),
    api(
        Get,
        "/api/v1/meetings",
        Roles(CASE_READERS),
        Audit::None,
        "The forums' meetings",
    ),
    personal(api(
        Get,
        "/api/v1/meetings/{id}/minutes",
        Roles(CASE_READERS),
        Audit::Export,
        "A meeting's minutes: the caller's agency's copy (the coordinator may ask for any agency's)",
    )),
    asset("/assets/safer.css", "Safer's stylesheet"),
    asset("/assets/favicon.svg", "Safer's icon, for browser tabs"),
    RouteSpec {
        method: Method::Get,
        path: "/healthz",
        access: Access::Public,
        kind: Kind::Probe,
        personal_data: false,
        audit: Audit::None,
        summary: "For load balancers: 200 when the database answers, else 503",
    },
    asset(
        "/assets/govuk/{*path}",
        "govuk-frontend's files, when configured",
    ),
];

/// The row of a method and matched path.
pub fn find(method: Method, path: &str) -> Option<&'static RouteSpec> {
    ROUTES.iter().find(|r| r.method == method && r.path == path)
}

impl RouteSpec {
    /// Whether this (signed-in or anonymous) user may use the route.
    pub fn allows(&self, user: Option<&User>) -> bool {
        match self.access {
            Access::Public => true,
            Access::Roles(roles) => user.is_some_and(|u| u.active && u.has_any(roles)),
        }
    }

    /// Whether a holder of `role` may use the route.
    pub fn allows_role(&self, role: Role) -> bool {
        match self.access {
            Access::Public => true,
            Access::Roles(roles) => roles.contains(&role),
        }
    }
}

/// Whether `user` may GET `path` (a route pattern): for showing links.
pub(crate) fn may_get(user: Option<&User>, path: &str) -> bool {
    find(Method::Get, path).is_some_and(|r| r.allows(user))
}

fn audit_label(a: Audit) -> String {
    match a {
        Audit::None => "–".to_owned(),
        Audit::View => "view".to_owned(),
        Audit::Export => "export".to_owned(),
        Audit::Change(name) => format!("change (`{name}`)"),
        Audit::Handler => "sign-in events".to_owned(),
    }
}

/// The route table as the Markdown matrix of `docs/roles.md`: one row per
/// route, one column per role (and anonymous), ✓ where allowed.
pub fn access_matrix_markdown() -> String {
    let mut s = String::new();
    s.push_str("| Method | Path | Kind | Personal data | Audited | Anonymous |");
    for r in Role::ALL {
        s.push_str(&format!(" {} |", r.label()));
    }
    s.push('\n');
    s.push_str("| --- | --- | --- | --- | --- | --- |");
    for _ in Role::ALL {
        s.push_str(" --- |");
    }
    s.push('\n');
    let mark = |b: bool| if b { "✓" } else { "–" };
    for r in ROUTES {
        let kind = match r.kind {
            Kind::Page => "page",
            Kind::Api => "API",
            Kind::Asset => "asset",
            Kind::Probe => "probe",
        };
        s.push_str(&format!(
            "| {} | `{}` | {kind} | {} | {} | {} |",
            r.method.as_str(),
            r.path,
            if r.personal_data { "yes" } else { "no" },
            audit_label(r.audit),
            mark(r.allows(None)),
        ));
        for role in Role::ALL {
            s.push_str(&format!(" {} |", mark(r.allows_role(role))));
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_has_one_row() {
        for (i, r) in ROUTES.iter().enumerate() {
            assert!(
                !ROUTES[..i]
                    .iter()
                    .any(|o| o.method == r.method && o.path == r.path),
                "{} {} is listed twice",
                r.method.as_str(),
                r.path
            );
        }
    }

    #[test]
    fn the_table_keeps_its_rules() {
        for r in ROUTES {
            let name = format!("{} {}", r.method.as_str(), r.path);
            // Changes are audited, by the gate or (sign-in) the handler.
            if r.method == Method::Post {
                assert!(
                    matches!(r.audit, Audit::Change(_) | Audit::Handler),
                    "{name}"
                );
            } else {
                assert!(!matches!(r.audit, Audit::Change(_)), "{name}");
            }
            // Personal data is never shown without an audit entry, nor to
            // anyone not signed in.
            if r.personal_data {
                assert!(matches!(r.audit, Audit::View | Audit::Export), "{name}");
                assert!(matches!(r.access, Access::Roles(_)), "{name}");
            }
            // Downloads are exports.
            if r.path.ends_with(".csv") || r.path.ends_with(".xlsx") {
                assert_eq!(r.audit, Audit::Export, "{name}");
            }
            assert_eq!(
                r.kind == Kind::Api,
                r.path.starts_with("/api/v1/"),
                "{name}"
            );
            assert_eq!(
                r.kind == Kind::Asset,
                r.path.starts_with("/assets/"),
                "{name}"
            );
            assert_eq!(r.kind == Kind::Probe, r.path == "/healthz", "{name}");
            if let Access::Roles(roles) = r.access {
                assert!(!roles.is_empty(), "{name}");
            }
        }
    }

    const ROLES_MD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/roles.md");
    const START: &str = "<!-- matrix:start -->\n";
    const END: &str = "<!-- matrix:end -->";

    /// docs/roles.md must hold the matrix generated from the table. With
    /// `SAFER_BLESS=1` the test rewrites the file instead (as expect-test's
    /// `UPDATE_EXPECT=1` does); review the diff and commit it.
    #[test]
    fn docs_roles_md_holds_the_generated_matrix() {
        let doc = std::fs::read_to_string(ROLES_MD).expect("docs/roles.md exists");
        let a = doc.find(START).expect("start marker") + START.len();
        let b = doc.find(END).expect("end marker");
        if std::env::var("SAFER_BLESS").as_deref() == Ok("1") {
            let new = format!("{}{}{}", &doc[..a], access_matrix_markdown(), &doc[b..]);
            std::fs::write(ROLES_MD, new).expect("write docs/roles.md");
            return;
        }
        assert_eq!(
            &doc[a..b],
            access_matrix_markdown(),
            "docs/roles.md is out of date: run `SAFER_BLESS=1 cargo test -p safer-web --lib docs_roles_md` and review the diff"
        );
    }

    #[test]
    fn the_matrix_has_a_row_per_route() {
        let m = access_matrix_markdown();
        assert_eq!(m.lines().count(), ROUTES.len() + 2);
        assert!(m.contains("| GET | `/admin/audit` | page | yes | view | – | ✓ | – |"));
    }
}
