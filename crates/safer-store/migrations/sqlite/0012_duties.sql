-- The statutory duties on case work. Every row but the Community Trigger's
-- belongs to a case, so the case's scope (db/cases.rs) decides who reads
-- it; an application for an ASB case review is read by the partnership's
-- point of contact and its lead agency (db/trigger.rs).
--
-- The ASB escalation ladder: the steps taken with a person on a case, and
-- the breaches recorded against a step.
CREATE TABLE interventions (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    person_id INTEGER NOT NULL REFERENCES people (id),
    step TEXT NOT NULL CHECK (step IN ('early_intervention', 'first_warning', 'final_warning', 'acceptable_behaviour_contract', 'community_protection_warning', 'community_protection_notice', 'civil_injunction', 'criminal_behaviour_order')),
    taken_on TEXT NOT NULL,
    -- A Community Protection Warning's days to comply.
    days_to_comply INTEGER,
    -- The serious-risk reason for skipping steps, if any were skipped.
    serious_risk TEXT,
    -- Under 18 on the day: a youth intervention (measured by the plans).
    youth INTEGER NOT NULL CHECK (youth IN (0, 1)),
    parent_involved INTEGER NOT NULL CHECK (parent_involved IN (0, 1)),
    yjs_involved INTEGER NOT NULL CHECK (yjs_involved IN (0, 1)),
    notes TEXT NOT NULL,
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX interventions_by_case ON interventions (case_id);
CREATE TABLE intervention_breaches (
    id INTEGER PRIMARY KEY,
    intervention_id INTEGER NOT NULL REFERENCES interventions (id),
    breached_on TEXT NOT NULL,
    text TEXT NOT NULL,
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX intervention_breaches_by_intervention ON intervention_breaches (intervention_id);
-- An Acceptable Behaviour Contract is a step with its terms, its parties
-- (JSON, as the domain writes them) and its clock.
CREATE TABLE abcs (
    intervention_id INTEGER PRIMARY KEY REFERENCES interventions (id),
    terms TEXT NOT NULL,
    parties TEXT NOT NULL,
    review_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    reviewed_on TEXT,
    review_note TEXT,
    ended_early_on TEXT,
    ended_reason TEXT
);
-- Place-based powers on a case's location.
CREATE TABLE place_powers (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    location_id INTEGER REFERENCES locations (id),
    power TEXT NOT NULL CHECK (power IN ('dispersal_direction', 'closure_notice', 'closure_order', 'public_spaces_protection_order')),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    notes TEXT NOT NULL,
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
-- Youth ASB Police Management Plans and diversionary activities.
CREATE TABLE management_plans (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    person_id INTEGER NOT NULL REFERENCES people (id),
    opened_on TEXT NOT NULL,
    closed_on TEXT,
    -- JSON: the contributing agencies' names.
    agencies TEXT NOT NULL,
    notes TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE diversionary_activities (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    person_id INTEGER NOT NULL REFERENCES people (id),
    activity TEXT NOT NULL,
    provider TEXT NOT NULL,
    started_on TEXT NOT NULL,
    sessions_offered INTEGER NOT NULL,
    sessions_attended INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
-- Referrals out of a case that the plans count. A Channel referral holds
-- no person (DOMAIN.md 3.15: counts and themes only).
CREATE TABLE referrals (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    person_id INTEGER REFERENCES people (id),
    kind TEXT NOT NULL CHECK (kind IN ('channel', 'criminal_exploitation', 'county_line', 'cuckooing', 'drug_outreach')),
    referred_on TEXT NOT NULL,
    referred_to TEXT NOT NULL,
    theme TEXT NOT NULL,
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
-- Applications for an ASB case review (the Community Trigger).
CREATE TABLE trigger_applications (
    id INTEGER PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    received_on TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('public_form', 'staff')),
    applicant_name TEXT NOT NULL,
    applicant_contact TEXT NOT NULL,
    -- Made on the victim's behalf, with their consent: their name and the
    -- applicant's relationship to them.
    victim_name TEXT,
    relationship TEXT,
    consent INTEGER NOT NULL CHECK (consent IN (0, 1)),
    address TEXT NOT NULL,
    behaviour TEXT NOT NULL,
    no_effective_action INTEGER NOT NULL CHECK (no_effective_action IN (0, 1)),
    youth INTEGER NOT NULL CHECK (youth IN (0, 1)),
    status TEXT NOT NULL CHECK (status IN ('received', 'acknowledged', 'threshold_met', 'threshold_not_met', 'rejected', 'reviewed')),
    lead_agency_id INTEGER REFERENCES agencies (id),
    acknowledged_on TEXT,
    decided_on TEXT,
    decision_note TEXT,
    -- JSON: the rules engine's assessment the decision rests on.
    assessment TEXT,
    review_on TEXT,
    victim_invited INTEGER CHECK (victim_invited IN (0, 1)),
    reviewed_on TEXT,
    outcome TEXT,
    outcome_sent_on TEXT,
    appeal_requested_on TEXT,
    appeal_grounds TEXT,
    appeal_decided_on TEXT,
    appeal_outcome TEXT,
    closed_on TEXT,
    recorded_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE trigger_complaints (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES trigger_applications (id),
    behaviour_on TEXT NOT NULL,
    reported_on TEXT NOT NULL,
    reported_to TEXT NOT NULL,
    incident_ref TEXT,
    complainant TEXT,
    hate INTEGER NOT NULL CHECK (hate IN (0, 1)),
    text TEXT NOT NULL
);
-- Cases whose incidents count as complaints for an application.
CREATE TABLE trigger_cases (
    application_id INTEGER NOT NULL REFERENCES trigger_applications (id),
    case_id INTEGER NOT NULL REFERENCES cases (id),
    PRIMARY KEY (application_id, case_id)
);
CREATE TABLE trigger_recommendations (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES trigger_applications (id),
    body TEXT NOT NULL,
    text TEXT NOT NULL,
    due TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'done', 'not_accepted')),
    update_text TEXT NOT NULL,
    updated_on TEXT
);
-- Domestic Homicide Reviews, read only by their panel (db/dhr.rs). The
-- person who died is known here by a pseudonym, as the published report
-- names them.
CREATE TABLE dhrs (
    id INTEGER PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    pseudonym TEXT NOT NULL,
    age INTEGER,
    died_on TEXT,
    circumstances TEXT NOT NULL,
    notified_on TEXT NOT NULL,
    notified_by TEXT NOT NULL,
    decision TEXT CHECK (decision IN ('review', 'no_review')),
    decided_on TEXT,
    decision_note TEXT,
    home_office_informed_on TEXT,
    chair TEXT NOT NULL,
    adjourned_days INTEGER NOT NULL,
    submitted_on TEXT,
    approved_on TEXT,
    qa_note TEXT,
    published_on TEXT,
    withdrawn_on TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE dhr_panel (
    dhr_id INTEGER NOT NULL REFERENCES dhrs (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (dhr_id, user_id)
);
-- Agencies' chronologies and Individual Management Reviews, with their due
-- dates, and the learning action plan.
CREATE TABLE dhr_reports (
    id INTEGER PRIMARY KEY,
    dhr_id INTEGER NOT NULL REFERENCES dhrs (id),
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    kind TEXT NOT NULL CHECK (kind IN ('chronology', 'imr')),
    due TEXT NOT NULL,
    received_on TEXT
);
CREATE TABLE dhr_actions (
    id INTEGER PRIMARY KEY,
    dhr_id INTEGER NOT NULL REFERENCES dhrs (id),
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    text TEXT NOT NULL,
    due TEXT NOT NULL,
    done_on TEXT,
    note TEXT NOT NULL
);
