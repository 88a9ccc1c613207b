-- The partnership plan, its measures' recorded values, action plans and the
-- Partnership Locality Fund. Money is held in pence, never as a float.
CREATE TABLE plans (
    id TEXT PRIMARY KEY,
    partnership TEXT NOT NULL,
    title TEXT NOT NULL,
    first_year TEXT NOT NULL,
    last_year TEXT NOT NULL,
    document TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL
);

CREATE TABLE priorities (
    plan_id TEXT NOT NULL REFERENCES plans (id),
    id TEXT NOT NULL,
    number BIGINT NOT NULL,
    title TEXT NOT NULL,
    PRIMARY KEY (plan_id, id)
);

CREATE TABLE measures (
    plan_id TEXT NOT NULL,
    id TEXT NOT NULL,
    priority_id TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (plan_id, id),
    FOREIGN KEY (plan_id, priority_id) REFERENCES priorities (plan_id, id)
);

CREATE TABLE measure_values (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id TEXT NOT NULL,
    measure_id TEXT NOT NULL,
    quarter TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    note TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    FOREIGN KEY (plan_id, measure_id) REFERENCES measures (plan_id, id)
);
CREATE INDEX measure_values_by_measure ON measure_values (plan_id, measure_id, quarter);

CREATE TABLE actions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id TEXT NOT NULL,
    priority_id TEXT NOT NULL,
    aim TEXT NOT NULL CHECK (aim IN ('enforcement', 'intelligence', 'prevention', 'confidence')),
    key_action TEXT NOT NULL,
    lead_agency TEXT NOT NULL,
    start_date TEXT NOT NULL,
    due_date TEXT NOT NULL,
    financial_implications TEXT NOT NULL,
    resource_implications TEXT NOT NULL,
    outcome_target TEXT NOT NULL,
    measure_id TEXT,
    status TEXT NOT NULL CHECK (status IN ('not_started', 'on_track', 'at_risk', 'off_track', 'complete', 'cancelled')),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    FOREIGN KEY (plan_id, priority_id) REFERENCES priorities (plan_id, id),
    FOREIGN KEY (plan_id, measure_id) REFERENCES measures (plan_id, id)
);

CREATE TABLE action_updates (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    action_id BIGINT NOT NULL REFERENCES actions (id),
    update_date TEXT NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    status TEXT NOT NULL,
    entered_at TEXT NOT NULL
);

CREATE TABLE fund_allocations (
    partnership TEXT NOT NULL,
    year TEXT NOT NULL,
    amount_pence BIGINT NOT NULL CHECK (amount_pence >= 0),
    source TEXT NOT NULL,
    PRIMARY KEY (partnership, year)
);

CREATE TABLE fund_projects (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partnership TEXT NOT NULL,
    year TEXT NOT NULL,
    name TEXT NOT NULL,
    lead_agency TEXT NOT NULL,
    budget_pence BIGINT NOT NULL CHECK (budget_pence >= 0),
    plan_id TEXT NOT NULL,
    priority_id TEXT NOT NULL,
    action_id BIGINT REFERENCES actions (id),
    FOREIGN KEY (partnership, year) REFERENCES fund_allocations (partnership, year),
    FOREIGN KEY (plan_id, priority_id) REFERENCES priorities (plan_id, id),
    UNIQUE (partnership, year, name)
);

CREATE TABLE fund_spend (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES fund_projects (id),
    quarter BIGINT NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    amount_pence BIGINT NOT NULL,
    note TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL
);
