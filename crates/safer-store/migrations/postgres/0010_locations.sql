-- Locations on cases: an address and, when one was chosen, the police.uk
-- place it stands at (its location text and LSOA), so the published
-- records there can be counted. A location is read only through a case in
-- the caller's scope (db/locations.rs).
CREATE TABLE locations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    address TEXT NOT NULL,
    street TEXT,
    lsoa_code TEXT,
    lsoa_name TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE case_locations (
    case_id BIGINT NOT NULL REFERENCES cases (id),
    location_id BIGINT NOT NULL REFERENCES locations (id),
    PRIMARY KEY (case_id, location_id)
);
CREATE INDEX case_locations_by_location ON case_locations (location_id);
