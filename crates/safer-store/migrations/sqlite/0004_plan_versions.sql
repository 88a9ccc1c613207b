-- Every version of a plan is kept: the annual refresh replaces the plan in
-- use, and the report says what the refresh changed. Plans held before
-- this are their own first version.
CREATE TABLE plan_versions (
    plan_id TEXT NOT NULL REFERENCES plans (id),
    version INTEGER NOT NULL CHECK (version >= 1),
    document TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    PRIMARY KEY (plan_id, version)
);

INSERT INTO plan_versions (plan_id, version, document, imported_at, imported_by)
SELECT id, 1, document, imported_at, imported_by FROM plans;
