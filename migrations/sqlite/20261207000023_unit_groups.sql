-- Group phrases of allocation tables (issue 23): “各县(市、区)政府”, “市级有关部门”, … stand for a
-- set of units. Kept in the database and edited by admins (and saved from a plan import's
-- preview), not read from seed/units.toml at compile time; the seed adds its groups once and
-- never overwrites an admin's edit.
CREATE TABLE unit_groups (
    id          INTEGER PRIMARY KEY,
    phrase      TEXT    NOT NULL UNIQUE CHECK (length(trim(phrase)) > 0),
    provenance  TEXT    NOT NULL,
    updated_by  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE TABLE unit_group_members (
    group_id  INTEGER NOT NULL REFERENCES unit_groups (id) ON DELETE CASCADE,
    unit_id   INTEGER NOT NULL REFERENCES units (id),
    PRIMARY KEY (group_id, unit_id)
);
CREATE TRIGGER data_version_unit_groups_i AFTER INSERT ON unit_groups BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_unit_groups_u AFTER UPDATE ON unit_groups BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_unit_groups_d AFTER DELETE ON unit_groups BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_unit_group_members_i AFTER INSERT ON unit_group_members BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_unit_group_members_d AFTER DELETE ON unit_group_members BEGIN UPDATE data_version SET n = n + 1; END;
