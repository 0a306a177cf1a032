-- The audit trail names what a change was made to (issue 21): “治水 (5) 开化县政府”, not
-- “assignment 34”. Written with each entry, so the name is the one it had then; entries made
-- before this column are named from the plans as they are now.
ALTER TABLE audit_log ADD COLUMN object_label TEXT;
UPDATE audit_log SET object_label = (
    SELECT p.short_name || ' (' || CAST(w.number AS TEXT) || ') ' || u.name
    FROM assignments a
    JOIN work_items w ON w.id = a.work_item_id
    JOIN plans p ON p.id = w.plan_id
    JOIN units u ON u.id = a.unit_id
    WHERE CAST(a.id AS TEXT) = audit_log.entity_key
)
WHERE entity = 'assignment';
