-- A commentary on a measure for a quarter: what the figure means, printed
-- under the measure in that quarter's performance report. Rewritten in
-- place; the audit log keeps who wrote each version and when.
CREATE TABLE measure_commentary (
    plan_id TEXT NOT NULL,
    measure_id TEXT NOT NULL,
    quarter TEXT NOT NULL,
    text TEXT NOT NULL,
    written_by TEXT NOT NULL,
    written_at TEXT NOT NULL,
    PRIMARY KEY (plan_id, measure_id, quarter)
);
