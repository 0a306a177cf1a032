-- API tokens may expire, and record when they were last used. A token issued before this
-- migration never expires (NULL) and has not been seen in use yet (NULL). `last_used_at` is
-- written at most once a minute per token (see the JSON API), never on every request.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ;
ALTER TABLE api_tokens ADD COLUMN last_used_at TIMESTAMPTZ;
