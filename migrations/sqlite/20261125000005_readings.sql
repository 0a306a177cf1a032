-- The indicators readings are taken of (the catalogue in crates/domain/src/reading.rs, written
-- here by the seed loader) and the monthly readings themselves.
CREATE TABLE indicators (
    code        TEXT    PRIMARY KEY,
    seq         INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    unit        TEXT    NOT NULL,
    better      TEXT    NOT NULL CHECK (better IN ('lower', 'higher')),
    place_kind  TEXT    NOT NULL CHECK (place_kind IN ('area', 'section', 'drain', 'city')),
    plan_code   TEXT    NOT NULL
);

-- One value per indicator, place and month. A newer value for the same key replaces the
-- stored one; the replaced value is kept in reading_history in the same transaction.
CREATE TABLE readings (
    id           INTEGER PRIMARY KEY,
    indicator    TEXT    NOT NULL REFERENCES indicators (code),
    place        TEXT    NOT NULL CHECK (length(trim(place)) > 0),
    year         INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    month        INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    value        DOUBLE PRECISION NOT NULL CHECK (value >= 0),
    valid_days   INTEGER CHECK (valid_days BETWEEN 0 AND 31),
    provisional  BOOLEAN NOT NULL,
    source       TEXT    NOT NULL CHECK (source IN ('entered', 'imported', 'api', 'demo')),
    is_demo      BOOLEAN NOT NULL,
    note         TEXT    NOT NULL,
    recorded_by  TEXT    NOT NULL,
    recorded_at  TEXT    NOT NULL,
    UNIQUE (indicator, place, year, month)
);
CREATE INDEX readings_by_period ON readings (year, month);

CREATE TABLE reading_history (
    id           INTEGER PRIMARY KEY,
    indicator    TEXT    NOT NULL,
    place        TEXT    NOT NULL,
    year         INTEGER NOT NULL,
    month        INTEGER NOT NULL,
    value        DOUBLE PRECISION NOT NULL,
    valid_days   INTEGER,
    provisional  BOOLEAN NOT NULL,
    source       TEXT    NOT NULL,
    is_demo      BOOLEAN NOT NULL,
    note         TEXT    NOT NULL,
    recorded_by  TEXT    NOT NULL,
    recorded_at  TEXT    NOT NULL,
    replaced_at  TEXT    NOT NULL,
    replaced_by  TEXT    NOT NULL
);
CREATE INDEX reading_history_key ON reading_history (indicator, place, year, month);
