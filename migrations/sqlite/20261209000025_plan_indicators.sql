-- Indicators may belong to any plan (issue 24, part 3): a plan's import may define indicators
-- of its own and set yearly targets per place, on its own indicators or on the catalogue's
-- (a new year's PM2.5 table). The catalogue's rows keep their columns' defaults here and are
-- rewritten by the seed loader.
ALTER TABLE indicators ADD COLUMN name_en TEXT
    CHECK (name_en IS NULL OR length(trim(name_en)) > 0);
-- How a year is judged: the mean of the months, or the latest month (a cumulative rate).
ALTER TABLE indicators ADD COLUMN aggregate TEXT NOT NULL DEFAULT 'mean'
    CHECK (aggregate IN ('mean', 'latest'));
-- A monthly value above this is not believable (NULL: the catalogue's, in the code).
ALTER TABLE indicators ADD COLUMN max_plausible DOUBLE PRECISION
    CHECK (max_plausible IS NULL OR max_plausible > 0);

-- A plan's yearly target for an indicator at a place. One target per (indicator, place,
-- year) across all plans and the reference tables (the import refuses a second one).
CREATE TABLE indicator_targets (
    id          INTEGER PRIMARY KEY,
    plan_code   TEXT    NOT NULL REFERENCES plans (code),
    indicator   TEXT    NOT NULL REFERENCES indicators (code),
    place       TEXT    NOT NULL CHECK (length(trim(place)) > 0),
    year        INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    value       DOUBLE PRECISION NOT NULL CHECK (value >= 0),
    raw         TEXT    NOT NULL,
    provenance  TEXT    NOT NULL,
    UNIQUE (indicator, place, year)
);
CREATE INDEX indicator_targets_plan ON indicator_targets (plan_code);
CREATE TRIGGER data_version_indicator_targets_i AFTER INSERT ON indicator_targets BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_indicator_targets_u AFTER UPDATE ON indicator_targets BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_indicator_targets_d AFTER DELETE ON indicator_targets BEGIN UPDATE data_version SET n = n + 1; END;
