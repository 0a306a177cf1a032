-- Status facts (issue 26): per assignment, the compact facts its status is computed from,
-- with their history. A row holds from `valid_from` (the day its newest report or review
-- became visible to a replay) up to the day before `valid_until` (NULL: still holds). Kept by
-- the store in the transaction of every write that changes them; statuses are still computed
-- from these facts, the as-of day and the deadlines in force (sanzhi_domain::facts).
CREATE TABLE status_facts (
    assignment_id      BIGINT  NOT NULL,
    valid_from         DATE    NOT NULL,
    valid_until        DATE,
    report_count       INTEGER NOT NULL CHECK (report_count >= 0),
    whole_done         DATE,
    -- `seq:day` pairs and day lists, days counted from the Common Era (facts::encode_*).
    milestone_done     TEXT    NOT NULL,
    days               TEXT    NOT NULL,
    awaiting_review    BOOLEAN NOT NULL,
    returned_report_id BIGINT,
    last_reported_on   DATE,
    last_late_filed    BOOLEAN NOT NULL,
    PRIMARY KEY (assignment_id, valid_from),
    CHECK (valid_until IS NULL OR valid_until > valid_from)
);
-- A day's rows: those still holding (valid_until IS NULL) and those that ended after it.
CREATE INDEX status_facts_until ON status_facts (valid_until);

-- Whether the facts were built from the stored reports (once, after this migration; the
-- store does it when it migrates, since SQL alone cannot compute them).
CREATE TABLE status_facts_state (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    built BOOLEAN NOT NULL
);
INSERT INTO status_facts_state (id, built) VALUES (1, FALSE);
