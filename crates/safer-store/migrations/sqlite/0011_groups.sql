-- Groups on cases (a street group of young people, say), and their
-- members, who are people on the group's cases. A group is read only
-- through a case in the caller's scope (db/groups.rs).
CREATE TABLE people_groups (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE case_groups (
    case_id INTEGER NOT NULL REFERENCES cases (id),
    group_id INTEGER NOT NULL REFERENCES people_groups (id),
    PRIMARY KEY (case_id, group_id)
);
CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES people_groups (id),
    person_id INTEGER NOT NULL REFERENCES people (id),
    PRIMARY KEY (group_id, person_id)
);
