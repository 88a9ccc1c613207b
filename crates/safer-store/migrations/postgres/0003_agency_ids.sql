-- Actions and fund projects refer to their lead agency by id, so a rule
-- about "their own agency" compares ids, never names. The lead as written
-- stays in lead_agency. Leads that name no agency yet become agencies (not
-- statutory), so every action and project keeps its lead.
INSERT INTO agencies (name, statutory)
SELECT min(lead), 0 FROM (
    SELECT trim(lead_agency) AS lead FROM actions
    UNION ALL
    SELECT trim(lead_agency) AS lead FROM fund_projects
) l
WHERE lead <> ''
  AND NOT EXISTS (SELECT 1 FROM agencies g WHERE lower(g.name) = lower(l.lead))
GROUP BY lower(lead);

ALTER TABLE actions ADD COLUMN lead_agency_id BIGINT REFERENCES agencies (id);

UPDATE actions SET lead_agency_id =
    (SELECT min(g.id) FROM agencies g WHERE lower(g.name) = lower(trim(actions.lead_agency)));

ALTER TABLE fund_projects ADD COLUMN lead_agency_id BIGINT REFERENCES agencies (id);

UPDATE fund_projects SET lead_agency_id =
    (SELECT min(g.id) FROM agencies g WHERE lower(g.name) = lower(trim(fund_projects.lead_agency)));

-- Agency names are unique whatever their case: "LEICESTERSHIRE POLICE" is
-- not a second agency beside "Leicestershire Police".
CREATE UNIQUE INDEX agencies_name_unique ON agencies (lower(name));
