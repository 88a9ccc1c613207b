-- Case work: people, the cases of the partnership's forums, who is on each
-- case and in what role, the agencies involved, and the shares that let
-- another agency see a case. Who may see a case is decided in the queries
-- (see db/cases.rs), from the agencies involved and shared with.
CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    -- JSON: the aliases, the birth (date, age band or unknown) and the
    -- vulnerabilities, as the domain types write them.
    aliases TEXT NOT NULL,
    birth TEXT NOT NULL,
    address TEXT,
    vulnerabilities TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    forum TEXT NOT NULL,
    case_type TEXT NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('referred', 'open', 'declined', 'closed')),
    risk TEXT NOT NULL CHECK (risk IN ('standard', 'medium', 'high')),
    lead_agency_id INTEGER NOT NULL REFERENCES agencies (id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE case_agencies (
    case_id INTEGER NOT NULL REFERENCES cases (id),
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    PRIMARY KEY (case_id, agency_id)
);
CREATE TABLE case_shares (
    case_id INTEGER NOT NULL REFERENCES cases (id),
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    agreement TEXT NOT NULL,
    reason TEXT NOT NULL,
    shared_by TEXT NOT NULL,
    shared_at TEXT NOT NULL,
    PRIMARY KEY (case_id, agency_id)
);
CREATE TABLE case_people (
    case_id INTEGER NOT NULL REFERENCES cases (id),
    person_id INTEGER NOT NULL REFERENCES people (id),
    role TEXT NOT NULL CHECK (role IN ('victim', 'perpetrator', 'witness', 'professional', 'subject_of_concern', 'carer')),
    PRIMARY KEY (case_id, person_id, role)
);
CREATE INDEX case_people_by_person ON case_people (person_id);
