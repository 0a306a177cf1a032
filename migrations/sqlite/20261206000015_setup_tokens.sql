-- One-time setup addresses: while no admin account exists, each server start prints an address
-- `/setup?token=…` that creates the first admin. Only the token's SHA-256 is kept; every row is
-- deleted in the transaction that creates the first admin.
CREATE TABLE setup_tokens (
    token_sha256 TEXT PRIMARY KEY,
    created_at   TEXT NOT NULL
);
