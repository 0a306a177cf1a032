-- data_version: one number that moves on with every committed change to what pages show —
-- plans, units, milestones, targets, reference tables, reports, reviews, readings. Caches of
-- computed pages (the 总览 overview) are keyed by it, so every app server sharing this database
-- sees a change at its next request. Bumped by triggers, so no write path can forget it; read
-- before the data it guards (a reader that sees the new number also sees the new rows).
CREATE TABLE data_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO data_version (id, n) VALUES (1, 0);
-- Readings have no trigger here: a row trigger doubled the time of a 1M-row import (SQLite has
-- no statement-level triggers). Their one writer in the store (write_readings and
-- clear_demo_readings in crates/store/src/queries.rs) bumps the number once per transaction.
CREATE TRIGGER data_version_units_i AFTER INSERT ON units BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_units_u AFTER UPDATE ON units BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_units_d AFTER DELETE ON units BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_unit_aliases_i AFTER INSERT ON unit_aliases BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_unit_aliases_u AFTER UPDATE ON unit_aliases BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_unit_aliases_d AFTER DELETE ON unit_aliases BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_plans_i AFTER INSERT ON plans BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_plans_u AFTER UPDATE ON plans BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_plans_d AFTER DELETE ON plans BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_plan_goals_i AFTER INSERT ON plan_goals BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_plan_goals_u AFTER UPDATE ON plan_goals BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_plan_goals_d AFTER DELETE ON plan_goals BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_actions_i AFTER INSERT ON actions BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_actions_u AFTER UPDATE ON actions BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_actions_d AFTER DELETE ON actions BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_tasks_i AFTER INSERT ON tasks BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_tasks_u AFTER UPDATE ON tasks BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_tasks_d AFTER DELETE ON tasks BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_work_items_i AFTER INSERT ON work_items BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_work_items_u AFTER UPDATE ON work_items BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_work_items_d AFTER DELETE ON work_items BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_work_item_units_i AFTER INSERT ON work_item_units BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_work_item_units_u AFTER UPDATE ON work_item_units BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_work_item_units_d AFTER DELETE ON work_item_units BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_assignments_i AFTER INSERT ON assignments BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_assignments_u AFTER UPDATE ON assignments BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_assignments_d AFTER DELETE ON assignments BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_milestones_i AFTER INSERT ON milestones BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_milestones_u AFTER UPDATE ON milestones BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_milestones_d AFTER DELETE ON milestones BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_targets_i AFTER INSERT ON targets BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_targets_u AFTER UPDATE ON targets BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_targets_d AFTER DELETE ON targets BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_source_notes_i AFTER INSERT ON source_notes BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_source_notes_u AFTER UPDATE ON source_notes BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_source_notes_d AFTER DELETE ON source_notes BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_pm25_targets_i AFTER INSERT ON pm25_targets BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_pm25_targets_u AFTER UPDATE ON pm25_targets BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_pm25_targets_d AFTER DELETE ON pm25_targets BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_emission_cuts_i AFTER INSERT ON emission_cuts BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_emission_cuts_u AFTER UPDATE ON emission_cuts BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_emission_cuts_d AFTER DELETE ON emission_cuts BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_water_sections_i AFTER INSERT ON water_sections BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_water_sections_u AFTER UPDATE ON water_sections BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_water_sections_d AFTER DELETE ON water_sections BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_drain_limits_i AFTER INSERT ON drain_limits BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_drain_limits_u AFTER UPDATE ON drain_limits BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_drain_limits_d AFTER DELETE ON drain_limits BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_drain_relative_limits_i AFTER INSERT ON drain_relative_limits BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_drain_relative_limits_u AFTER UPDATE ON drain_relative_limits BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_drain_relative_limits_d AFTER DELETE ON drain_relative_limits BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_rate_goals_i AFTER INSERT ON rate_goals BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_rate_goals_u AFTER UPDATE ON rate_goals BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_rate_goals_d AFTER DELETE ON rate_goals BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_yearly_goals_i AFTER INSERT ON yearly_goals BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_yearly_goals_u AFTER UPDATE ON yearly_goals BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_yearly_goals_d AFTER DELETE ON yearly_goals BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_enterprises_i AFTER INSERT ON enterprises BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_enterprises_u AFTER UPDATE ON enterprises BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_enterprises_d AFTER DELETE ON enterprises BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_stations_i AFTER INSERT ON stations BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_stations_u AFTER UPDATE ON stations BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_stations_d AFTER DELETE ON stations BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_progress_reports_i AFTER INSERT ON progress_reports BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_progress_reports_u AFTER UPDATE ON progress_reports BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_progress_reports_d AFTER DELETE ON progress_reports BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_indicators_i AFTER INSERT ON indicators BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_indicators_u AFTER UPDATE ON indicators BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_indicators_d AFTER DELETE ON indicators BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_report_reviews_i AFTER INSERT ON report_reviews BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_report_reviews_u AFTER UPDATE ON report_reviews BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_report_reviews_d AFTER DELETE ON report_reviews BEGIN UPDATE data_version SET n = n + 1; END;

-- Whether demo reports are loaded is asked on every 总览 request: answer it from an index.
CREATE INDEX progress_reports_demo ON progress_reports (id) WHERE is_demo;
