-- Core plan structure: units, plans, actions, tasks, numbered work items.
-- SQLite flavour; the PostgreSQL twin lives in ../postgres with the same name.

CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    kind        TEXT    NOT NULL CHECK (kind IN ('county_government', 'city_department', 'office', 'enterprise', 'management_zone')),
    provenance  TEXT    NOT NULL DEFAULT ''
);

-- Other spellings of a unit's name found in the documents (市卫计委 = 市卫生计生委).
CREATE TABLE unit_aliases (
    alias    TEXT    PRIMARY KEY CHECK (length(trim(alias)) > 0),
    unit_id  INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE
);
CREATE INDEX unit_aliases_unit ON unit_aliases (unit_id);

CREATE TABLE plans (
    id             INTEGER PRIMARY KEY,
    code           TEXT    NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 40),
    doc_no         TEXT    NOT NULL,
    title          TEXT    NOT NULL CHECK (length(trim(title)) > 0),
    short_name     TEXT    NOT NULL CHECK (length(trim(short_name)) > 0),
    owner_unit_id  INTEGER NOT NULL REFERENCES units (id),
    start_year     INTEGER NOT NULL CHECK (start_year BETWEEN 1949 AND 2100),
    end_year       INTEGER NOT NULL CHECK (end_year BETWEEN 1949 AND 2100),
    sort_order     INTEGER NOT NULL DEFAULT 0,
    provenance     TEXT    NOT NULL,
    CHECK (end_year >= start_year)
);

-- The goal paragraphs of a plan's main text, in order.
CREATE TABLE plan_goals (
    plan_id  INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL CHECK (seq >= 1),
    body     TEXT    NOT NULL CHECK (length(trim(body)) > 0),
    PRIMARY KEY (plan_id, seq)
);

-- 行动: "(一)国家'水十条'断面水质达标保障行动".
CREATE TABLE actions (
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    title       TEXT    NOT NULL CHECK (length(trim(title)) > 0),
    provenance  TEXT    NOT NULL,
    UNIQUE (plan_id, seq),
    UNIQUE (id, plan_id)
);

-- 任务: numbered within the plan, with the main-text paragraph.
CREATE TABLE tasks (
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER NOT NULL,
    action_id   INTEGER NOT NULL,
    number      INTEGER NOT NULL CHECK (number >= 1),
    title       TEXT    NOT NULL CHECK (length(trim(title)) > 0),
    paragraph   TEXT    NOT NULL,
    provenance  TEXT    NOT NULL,
    UNIQUE (plan_id, number),
    UNIQUE (id, plan_id),
    FOREIGN KEY (action_id, plan_id) REFERENCES actions (id, plan_id) ON DELETE CASCADE
);
CREATE INDEX tasks_action ON tasks (action_id);

-- 工作要求: the numbered rows of the allocation table.
CREATE TABLE work_items (
    id                INTEGER PRIMARY KEY,
    plan_id           INTEGER NOT NULL,
    task_id           INTEGER NOT NULL,
    number            INTEGER NOT NULL CHECK (number >= 1),
    body              TEXT    NOT NULL CHECK (length(trim(body)) > 0),
    lead_text         TEXT    NOT NULL DEFAULT '',
    responsible_text  TEXT    NOT NULL DEFAULT '',
    provenance        TEXT    NOT NULL,
    UNIQUE (plan_id, number),
    FOREIGN KEY (task_id, plan_id) REFERENCES tasks (id, plan_id) ON DELETE CASCADE
);
CREATE INDEX work_items_task ON work_items (task_id);

-- Which units lead a work item and which are responsible for it.
CREATE TABLE work_item_units (
    work_item_id  INTEGER NOT NULL REFERENCES work_items (id) ON DELETE CASCADE,
    unit_id       INTEGER NOT NULL REFERENCES units (id),
    role          TEXT    NOT NULL CHECK (role IN ('lead', 'responsible')),
    PRIMARY KEY (work_item_id, unit_id, role)
);
CREATE INDEX work_item_units_unit ON work_item_units (unit_id, role);
