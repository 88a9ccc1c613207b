-- The analyst's narrative of an assessment (key findings, emerging
-- threats, community tensions, recommended priorities), kept with the
-- district, year and period it explains. `as_at` is '' for the whole year.
CREATE TABLE assessment_narratives (
    district TEXT NOT NULL,
    year TEXT NOT NULL,
    as_at TEXT NOT NULL,
    key_findings TEXT NOT NULL,
    emerging_threats TEXT NOT NULL,
    community_tensions TEXT NOT NULL,
    recommended_priorities TEXT NOT NULL,
    written_by TEXT NOT NULL,
    written_at TEXT NOT NULL,
    PRIMARY KEY (district, year, as_at)
);
