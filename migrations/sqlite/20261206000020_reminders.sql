-- Reminders (issue 22): each morning a digest per unit (kept here, shown in the unit's 消息
-- inbox), an outbox of its e-mails and robot messages, 催办 and their answers, and per plan the
-- lead times. Times the scheduler compares (next attempt, lease) are Unix seconds.
ALTER TABLE users ADD COLUMN email TEXT;

-- A plan's reminder settings (absent: 7,3,0 days before, 督办 after 2 催办).
CREATE TABLE plan_reminders (
    plan_code   TEXT    PRIMARY KEY REFERENCES plans (code),
    lead_days   TEXT    NOT NULL,
    urge_limit  INTEGER NOT NULL CHECK (urge_limit BETWEEN 1 AND 20),
    updated_by  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);

-- Robot webhooks of a unit: 钉钉 / 浙政钉 (markdown, optional HMAC-SHA256 signing secret),
-- 企业微信 (markdown) or plain JSON.
CREATE TABLE unit_hooks (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('dingtalk', 'wecom', 'json')),
    url         TEXT    NOT NULL CHECK (url LIKE 'http://%' OR url LIKE 'https://%'),
    secret      TEXT,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_by  TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
);
CREATE INDEX unit_hooks_unit ON unit_hooks (unit_id);

-- 催办: a coordinator presses an assignment; the unit answers with a 说明 or a report.
CREATE TABLE urges (
    id             INTEGER PRIMARY KEY,
    assignment_id  INTEGER NOT NULL REFERENCES assignments (id),
    message        TEXT    NOT NULL CHECK (length(trim(message)) > 0),
    reply_by       TEXT,
    urged_by       TEXT    NOT NULL,
    urged_by_name  TEXT    NOT NULL,
    urged_at       TEXT    NOT NULL,
    is_demo        BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX urges_assignment ON urges (assignment_id);
CREATE TABLE urge_answers (
    urge_id      INTEGER PRIMARY KEY REFERENCES urges (id) ON DELETE CASCADE,
    note         TEXT    NOT NULL,
    report_id    INTEGER REFERENCES progress_reports (id) ON DELETE SET NULL,
    answered_by  TEXT    NOT NULL,
    answered_at  TEXT    NOT NULL
);
CREATE TRIGGER data_version_urges_i AFTER INSERT ON urges BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_urges_d AFTER DELETE ON urges BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_urge_answers_i AFTER INSERT ON urge_answers BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_urge_answers_d AFTER DELETE ON urge_answers BEGIN UPDATE data_version SET n = n + 1; END;
-- 总览's 督办 list follows the plans' limits.
CREATE TRIGGER data_version_plan_reminders_i AFTER INSERT ON plan_reminders BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_plan_reminders_u AFTER UPDATE ON plan_reminders BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER urges_no_update BEFORE UPDATE ON urges
BEGIN
    SELECT RAISE(ABORT, 'urges are never changed');
END;

-- The days whose digests were made: one row per day, written in the transaction that writes
-- its digests, so two app servers never make a day twice.
CREATE TABLE reminder_days (
    day      TEXT    PRIMARY KEY,
    ran_at   TEXT    NOT NULL,
    ran_by   TEXT    NOT NULL,
    digests  INTEGER NOT NULL
);
CREATE TABLE digests (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    day         TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    lines       TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    is_demo     BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (unit_id, day)
);
CREATE TABLE digest_reads (
    digest_id  INTEGER NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    read_at    TEXT    NOT NULL,
    PRIMARY KEY (digest_id, user_id)
);

-- What is to be sent: one row per digest and address (an e-mail address, or a hook).
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    digest_id        INTEGER NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
    channel          TEXT    NOT NULL CHECK (channel IN ('email', 'webhook')),
    target           TEXT    NOT NULL,
    hook_id          INTEGER REFERENCES unit_hooks (id) ON DELETE CASCADE,
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    lease_until      INTEGER,
    last_error       TEXT,
    sent_at          TEXT,
    created_at       TEXT    NOT NULL,
    UNIQUE (digest_id, channel, target)
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
