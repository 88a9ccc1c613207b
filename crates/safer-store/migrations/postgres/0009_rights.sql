-- Rights over the records of people: a person's earlier versions, kept
-- when a record is rectified (who changed it, when and why); and merges of
-- duplicate records, kept so that a merge can be undone: the merged
-- record stays, marked with the record it was merged into, and the links
-- it gave up are listed.
CREATE TABLE person_history (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id),
    -- JSON: the person as they were before the change.
    before TEXT NOT NULL,
    reason TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
CREATE INDEX person_history_by_person ON person_history (person_id);
ALTER TABLE people ADD COLUMN merged_into BIGINT REFERENCES people (id);
CREATE TABLE person_merges (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    merged BIGINT NOT NULL REFERENCES people (id),
    kept BIGINT NOT NULL REFERENCES people (id),
    reason TEXT NOT NULL,
    merged_by TEXT NOT NULL,
    merged_at TEXT NOT NULL,
    -- Set when the merge is undone.
    undone_at TEXT
);
-- The links of the merged record that moved to the kept one (a link the
-- kept record already had is not moved, and not listed).
CREATE TABLE person_merge_links (
    merge_id BIGINT NOT NULL REFERENCES person_merges (id),
    case_id BIGINT NOT NULL REFERENCES cases (id),
    role TEXT NOT NULL,
    PRIMARY KEY (merge_id, case_id, role)
);
