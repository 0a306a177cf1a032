-- The signed-in user of a session, beside the session's JSON (where tower-sessions keeps it
-- under "user_id"): a kept page's request reads its session, its account and the data
-- version in one statement (Store::page_viewer) instead of three. Written together with
-- the data by the session store; sessions saved before this column existed have NULL and
-- take the ordinary path (the JSON is still the authority).
ALTER TABLE sessions ADD COLUMN user_id BIGINT;
