-- Which assignments' status facts each write changed, under the tracking version the write
-- moved to (issue 26). An app server keeps the facts of the days 总览 asks for in memory
-- (sanzhi_store::StatusMirror) and, after a write anywhere, reads only the assignments
-- changed since the version it holds — not every row again. The tracking version row is
-- locked by the writing transaction until it commits, so versions commit in order and a
-- server that saw version n has seen every change up to n. Old rows are pruned by the
-- writes; a server further behind than `pruned_below` reads everything again.
CREATE TABLE fact_changes (
    version        BIGINT NOT NULL,
    assignment_id  BIGINT NOT NULL,
    PRIMARY KEY (version, assignment_id)
);
ALTER TABLE status_facts_state ADD COLUMN pruned_below BIGINT NOT NULL DEFAULT 0;
