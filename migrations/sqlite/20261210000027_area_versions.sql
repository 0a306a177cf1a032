-- Versions per area (issue 26, part 4). The one data version moved with every change, so a
-- pushed reading threw away every kept page, 我的任务 included, and a water report the air
-- plan's pages. Now:
-- - data_version.n: the structure — plans, items, units, groups, reference tables, targets,
--   indicators (every table whose trigger bumps it, as before, but for those below);
-- - versions 'tracking': any plan's reports, reviews, 催办 and their answers, reminder
--   settings and closed 通报; 'tracking:<plan>': the same of one plan;
-- - versions 'readings': the readings (SQLite: moved by the store's readings writer, as the
--   data version was; PostgreSQL: by trigger).
-- A kept page is keyed on the versions of what it shows (server/src/page_cache.rs).
CREATE TABLE versions (
    area TEXT   PRIMARY KEY,
    n    BIGINT NOT NULL
);
INSERT INTO versions (area, n) VALUES ('tracking', 0), ('readings', 0);
INSERT INTO versions (area, n) SELECT 'tracking:' || code, 0 FROM plans;
CREATE TRIGGER versions_plans_i AFTER INSERT ON plans BEGIN
    INSERT OR IGNORE INTO versions (area, n) VALUES ('tracking:' || NEW.code, 0);
END;

DROP TRIGGER data_version_bulletins_d;
DROP TRIGGER data_version_bulletins_i;
DROP TRIGGER data_version_plan_reminders_i;
DROP TRIGGER data_version_plan_reminders_u;
DROP TRIGGER data_version_progress_reports_d;
DROP TRIGGER data_version_progress_reports_i;
DROP TRIGGER data_version_progress_reports_u;
DROP TRIGGER data_version_report_reviews_d;
DROP TRIGGER data_version_report_reviews_i;
DROP TRIGGER data_version_report_reviews_u;
DROP TRIGGER data_version_urge_answers_d;
DROP TRIGGER data_version_urge_answers_i;
DROP TRIGGER data_version_urges_d;
DROP TRIGGER data_version_urges_i;
CREATE TRIGGER versions_progress_reports_i AFTER INSERT ON progress_reports BEGIN
    UPDATE versions SET n = n + 1 WHERE area = 'tracking';
    UPDATE versions SET n = n + 1 WHERE area = (SELECT 'tracking:' || p.code FROM assignments a JOIN work_items w ON w.id = a.work_item_id JOIN plans p ON p.id = w.plan_id WHERE a.id = NEW.assignment_id);
END;
CREATE TRIGGER versions_report_reviews_i AFTER INSERT ON report_reviews BEGIN
    UPDATE versions SET n = n + 1 WHERE area = 'tracking';
    UPDATE versions SET n = n + 1 WHERE area = (SELECT 'tracking:' || p.code FROM assignments a JOIN work_items w ON w.id = a.work_item_id JOIN plans p ON p.id = w.plan_id WHERE a.id = (SELECT r.assignment_id FROM progress_reports r WHERE r.id = NEW.report_id));
END;
CREATE TRIGGER versions_progress_reports_u AFTER UPDATE ON progress_reports BEGIN
    UPDATE versions SET n = n + 1 WHERE area = 'tracking';
    UPDATE versions SET n = n + 1 WHERE area = (SELECT 'tracking:' || p.code FROM assignments a JOIN work_items w ON w.id = a.work_item_id JOIN plans p ON p.id = w.plan_id WHERE a.id = NEW.assignment_id);
END;
CREATE TRIGGER versions_report_reviews_u AFTER UPDATE ON report_reviews BEGIN
    UPDATE versions SET n = n + 1 WHERE area = 'tracking';
    UPDATE versions SET n = n + 1 WHERE area = (SELECT 'tracking:' || p.code FROM assignments a JOIN work_items w ON w.id = a.work_item_id JOIN plans p ON p.id = w.plan_id WHERE a.id = (SELECT r.assignment_id FROM progress_reports r WHERE r.id = NEW.report_id));
END;
CREATE TRIGGER versions_progress_reports_d AFTER DELETE ON progress_reports BEGIN
    UPDATE versions SET n = n + 1 WHERE area = 'tracking';
    UPDATE versions SET n = n + 1 WHERE area = (SELECT 'tracking:' || p.code FROM assignments a JOIN work_items w ON w.id = a.work_item_id JOIN plans p ON p.id = w.plan_id WHERE a.id = OLD.assignment_id);
END;
CREATE TRIGGER versions_report_reviews_d AFTER DELETE ON report_reviews BEGIN
    UPDATE versions SET n = n + 1 WHERE area = 'tracking';
    UPDATE versions SET n = n + 1 WHERE area = (SELECT 'tracking:' || p.code FROM assignments a JOIN work_items w ON w.id = a.work_item_id JOIN plans p ON p.id = w.plan_id WHERE a.id = (SELECT r.assignment_id FROM progress_reports r WHERE r.id = OLD.report_id));
END;
CREATE TRIGGER versions_urges_i AFTER INSERT ON urges BEGIN
    UPDATE versions SET n = n + 1 WHERE area = 'tracking';
    UPDATE versions SET n = n + 1 WHERE area = (SELECT 'tracking:' || p.code FROM assignments a JOIN work_items w ON w.id = a.work_item_id JOIN plans p ON p.id = w.plan_id WHERE a.id = NEW.assignment_id);
END;
CREATE TRIGGER versions_urge_answers_i AFTER INSERT ON urge_answers BEGIN
    UPDATE versions SET n = n + 1 WHERE area = 'tracking';
    UPDATE versions SET n = n + 1 WHERE area = (SELECT 'tracking:' || p.code FROM assignments a JOIN work_items w ON w.id = a.work_item_id JOIN plans p ON p.id = w.plan_id WHERE a.id = (SELECT u.assignment_id FROM urges u WHERE u.id = NEW.urge_id));
END;
CREATE TRIGGER versions_bulletins_i AFTER INSERT ON bulletins BEGIN
    UPDATE versions SET n = n + 1 WHERE area = 'tracking';
END;
CREATE TRIGGER versions_urges_d AFTER DELETE ON urges BEGIN
    UPDATE versions SET n = n + 1 WHERE area = 'tracking';
    UPDATE versions SET n = n + 1 WHERE area = (SELECT 'tracking:' || p.code FROM assignments a JOIN work_items w ON w.id = a.work_item_id JOIN plans p ON p.id = w.plan_id WHERE a.id = OLD.assignment_id);
END;
CREATE TRIGGER versions_urge_answers_d AFTER DELETE ON urge_answers BEGIN
    UPDATE versions SET n = n + 1 WHERE area = 'tracking';
    UPDATE versions SET n = n + 1 WHERE area = (SELECT 'tracking:' || p.code FROM assignments a JOIN work_items w ON w.id = a.work_item_id JOIN plans p ON p.id = w.plan_id WHERE a.id = (SELECT u.assignment_id FROM urges u WHERE u.id = OLD.urge_id));
END;
CREATE TRIGGER versions_bulletins_d AFTER DELETE ON bulletins BEGIN
    UPDATE versions SET n = n + 1 WHERE area = 'tracking';
END;
CREATE TRIGGER versions_plan_reminders_i AFTER INSERT ON plan_reminders BEGIN
    UPDATE versions SET n = n + 1 WHERE area = 'tracking';
    UPDATE versions SET n = n + 1 WHERE area = 'tracking:' || NEW.plan_code;
END;
CREATE TRIGGER versions_plan_reminders_u AFTER UPDATE ON plan_reminders BEGIN
    UPDATE versions SET n = n + 1 WHERE area = 'tracking';
    UPDATE versions SET n = n + 1 WHERE area = 'tracking:' || NEW.plan_code;
END;
