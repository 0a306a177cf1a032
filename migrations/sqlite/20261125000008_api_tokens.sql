-- API tokens for other systems (the JSON API under /api/v1). The secret is shown once when
-- the token is issued and stored only as its SHA-256 hash (hex). A revoked token stays, with
-- the time it was revoked, so the audit trail can still name it.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    token_hash   TEXT    NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    created_by   TEXT    NOT NULL,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
);

-- The plans a token may push readings for; none: the token only reads.
CREATE TABLE api_token_plans (
    token_id   INTEGER NOT NULL REFERENCES api_tokens (id),
    plan_code  TEXT    NOT NULL CHECK (plan_code IN ('water', 'air', 'soil')),
    PRIMARY KEY (token_id, plan_code)
);
