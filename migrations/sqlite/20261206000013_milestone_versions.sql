-- The deadlines of a work item as they were before a coordinator's edit: a replay of a day
-- before `replaced_on` (the China day of the edit) uses them, so that an edit never changes
-- what a past day showed. One row per edit that changed the deadlines; rows are never
-- updated.
CREATE TABLE milestone_versions (
    id               INTEGER PRIMARY KEY,
    work_item_id     INTEGER NOT NULL,
    replaced_on      TEXT    NOT NULL,
    milestones_json  TEXT    NOT NULL
);
CREATE INDEX milestone_versions_item ON milestone_versions (work_item_id, replaced_on);
CREATE INDEX milestone_versions_day ON milestone_versions (replaced_on);

CREATE TRIGGER milestone_versions_no_update BEFORE UPDATE ON milestone_versions
BEGIN SELECT RAISE(ABORT, 'milestone_versions rows are never changed'); END;
