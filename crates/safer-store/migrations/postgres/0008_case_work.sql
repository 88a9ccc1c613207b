-- The work on a case: its lead officer, when it was last reviewed and how
-- it ended; its chronology; the actions agreed on it, owned by an agency,
-- with their updates; and the meetings of the forums, with who attended.
-- Every row belongs to a case, so the case's scope (db/cases.rs) decides
-- who may read it.
ALTER TABLE cases ADD COLUMN lead_officer TEXT NOT NULL DEFAULT '';
-- The day the case was last reviewed by its forum (or accepted, or
-- referred): when it is next due follows from its risk level.
ALTER TABLE cases ADD COLUMN last_reviewed TEXT NOT NULL DEFAULT '1970-01-01';
ALTER TABLE cases ADD COLUMN outcome TEXT;
CREATE TABLE meetings (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    forum TEXT NOT NULL,
    held_on TEXT NOT NULL,
    chair TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE meeting_attendance (
    meeting_id BIGINT NOT NULL REFERENCES meetings (id),
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    PRIMARY KEY (meeting_id, agency_id)
);
CREATE TABLE case_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL CHECK (kind IN ('referred', 'accepted', 'declined', 'note', 'incident', 'risk_assessed', 'decision', 'shared', 'closed', 'reopened')),
    occurred_on TEXT NOT NULL,
    text TEXT NOT NULL,
    risk TEXT CHECK (risk IN ('standard', 'medium', 'high')),
    -- A decision's meeting, so its minutes can list it.
    meeting_id BIGINT REFERENCES meetings (id),
    author TEXT NOT NULL,
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX case_events_by_case ON case_events (case_id);
CREATE INDEX case_events_by_meeting ON case_events (meeting_id);
CREATE TABLE case_actions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    owner TEXT NOT NULL,
    text TEXT NOT NULL,
    due TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
    meeting_id BIGINT REFERENCES meetings (id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX case_actions_by_case ON case_actions (case_id);
CREATE TABLE case_action_updates (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    action_id BIGINT NOT NULL REFERENCES case_actions (id),
    status TEXT NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
    text TEXT NOT NULL,
    author TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
