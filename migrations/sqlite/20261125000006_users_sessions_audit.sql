-- Users, their sessions (in the database, so several app servers share them), sign-in
-- attempts (for throttling, shared the same way) and the audit trail.
CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT    NOT NULL UNIQUE CHECK (length(trim(username)) > 0),
    display_name   TEXT    NOT NULL,
    password_hash  TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('admin', 'coordinator', 'reporter', 'leader')),
    plan_code      TEXT,
    unit_id        INTEGER REFERENCES units (id),
    is_demo        BOOLEAN NOT NULL DEFAULT FALSE,
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    created_at     TEXT NOT NULL,
    CHECK (role <> 'coordinator' OR plan_code IS NOT NULL),
    CHECK (role <> 'reporter' OR unit_id IS NOT NULL)
);

-- tower-sessions records: the id is the cookie value's session id, data is JSON.
CREATE TABLE sessions (
    id           TEXT    PRIMARY KEY,
    data         TEXT    NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- One row per failed sign-in, keyed by `user:<name>` and `addr:<ip>`.
CREATE TABLE login_failures (
    id    INTEGER PRIMARY KEY,
    key   TEXT    NOT NULL,
    at    TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);

-- Every write: who, when, what, before and after (JSON), in the write's own transaction.
-- Nothing in the application updates or deletes these rows.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    actor        TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    entity       TEXT    NOT NULL,
    entity_key   TEXT    NOT NULL,
    before_json  TEXT,
    after_json   TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_key);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
