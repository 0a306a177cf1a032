-- Reference tables of the plans: what the charts compute against and the lists show.
-- `seq` keeps the seed file's order; each table is rewritten as a whole when the seed changes.

-- PM2.5 annual-mean targets (µg/m³): 附件2 per area, and 衢州市区 from the air plan's goals.
CREATE TABLE pm25_targets (
    seq         INTEGER PRIMARY KEY,
    area        TEXT    NOT NULL,
    unit_id     INTEGER REFERENCES units (id),
    year        INTEGER NOT NULL,
    value       DOUBLE PRECISION NOT NULL CHECK (value >= 0),
    qualifier   TEXT    NOT NULL,
    raw         TEXT    NOT NULL,
    provenance  TEXT    NOT NULL,
    UNIQUE (area, year)
);

-- 2020 emission cuts against 2015 (附件2); percent is NULL where the table says “—”.
CREATE TABLE emission_cuts (
    seq         INTEGER PRIMARY KEY,
    area        TEXT    NOT NULL,
    unit_id     INTEGER REFERENCES units (id),
    pollutant   TEXT    NOT NULL CHECK (pollutant IN ('SO2', 'NOx', 'VOCs')),
    percent     DOUBLE PRECISION CHECK (percent >= 0),
    raw         TEXT    NOT NULL,
    note        TEXT    NOT NULL,
    provenance  TEXT    NOT NULL,
    UNIQUE (area, pollutant)
);

-- The national 水十条 sections and the class each must meet.
CREATE TABLE water_sections (
    seq           INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    target_class  TEXT    NOT NULL CHECK (target_class IN ('I', 'II', 'III', 'IV', 'V', 'worse_than_v')),
    reservoir     BOOLEAN NOT NULL,
    table_name    TEXT,
    note          TEXT    NOT NULL,
    provenance    TEXT    NOT NULL
);

-- Drain discharge limits that step down each July.
CREATE TABLE drain_limits (
    seq             INTEGER PRIMARY KEY,
    drain           TEXT    NOT NULL,
    parameter       TEXT    NOT NULL CHECK (parameter IN ('COD', 'NH3-N')),
    limit_mg_l      DOUBLE PRECISION NOT NULL CHECK (limit_mg_l >= 0),
    effective_from  TEXT    NOT NULL,
    raw             TEXT    NOT NULL,
    note            TEXT    NOT NULL,
    provenance      TEXT    NOT NULL,
    UNIQUE (drain, parameter, effective_from)
);

-- Drains that must stay below their previous three-year average.
CREATE TABLE drain_relative_limits (
    seq             INTEGER PRIMARY KEY,
    drain           TEXT    NOT NULL,
    area            TEXT    NOT NULL,
    parameters      TEXT    NOT NULL,
    effective_from  TEXT    NOT NULL,
    raw             TEXT    NOT NULL,
    provenance      TEXT    NOT NULL
);

-- Soil and waste rate milestones (受污染耕地安全利用率 91% → 92%, …).
CREATE TABLE rate_goals (
    seq         INTEGER PRIMARY KEY,
    metric      TEXT    NOT NULL,
    year        INTEGER NOT NULL,
    percent     DOUBLE PRECISION NOT NULL CHECK (percent BETWEEN 0 AND 100),
    comparator  TEXT    NOT NULL CHECK (comparator IN ('at_least', 'at_most', 'exactly', 'about')),
    raw         TEXT    NOT NULL,
    provenance  TEXT    NOT NULL,
    UNIQUE (metric, year)
);

-- Other year-bound goals of the main texts.
CREATE TABLE yearly_goals (
    seq          INTEGER PRIMARY KEY,
    plan_id      INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    task_number  INTEGER,
    year         INTEGER NOT NULL,
    body         TEXT    NOT NULL,
    span         TEXT    NOT NULL,
    note         TEXT    NOT NULL,
    provenance   TEXT    NOT NULL
);

-- 附件3: the 71 VOCs “散乱污” enterprises under rectification.
CREATE TABLE enterprises (
    seq               INTEGER PRIMARY KEY,
    town              TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    unit_id           INTEGER NOT NULL REFERENCES units (id),
    responsible_text  TEXT    NOT NULL,
    provenance        TEXT    NOT NULL
);
CREATE INDEX enterprises_unit ON enterprises (unit_id);

-- 附件4: the four assessment air stations of the city proper.
CREATE TABLE stations (
    seq         INTEGER PRIMARY KEY,
    area        TEXT    NOT NULL,
    unit_id     INTEGER REFERENCES units (id),
    name        TEXT    NOT NULL UNIQUE,
    provenance  TEXT    NOT NULL
);
