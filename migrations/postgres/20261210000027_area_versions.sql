-- Versions per area (issue 26, part 4). The one data version moved with every change, so a
-- pushed reading threw away every kept page, 我的任务 included, and a water report the air
-- plan's pages. Now:
-- - data_version.n: the structure — plans, items, units, groups, reference tables, targets,
--   indicators (every table whose trigger bumps it, as before, but for those below);
-- - versions 'tracking': any plan's reports, reviews, 催办 and their answers, reminder
--   settings and closed 通报; 'tracking:<plan>': the same of one plan;
-- - versions 'readings': the readings.
-- A kept page is keyed on the versions of what it shows (server/src/page_cache.rs).
CREATE TABLE versions (
    area TEXT   PRIMARY KEY,
    n    BIGINT NOT NULL
);
INSERT INTO versions (area, n) VALUES ('tracking', 0), ('readings', 0);

INSERT INTO versions (area, n) SELECT 'tracking:' || code, 0 FROM plans;

-- Moves `area` on once per transaction (a bulk write of 300,000 rows must not update one row
-- 300,000 times: each update leaves a dead version behind while the transaction is open).
CREATE FUNCTION bump_version(area_name TEXT) RETURNS void AS $$
DECLARE
    key TEXT := 'sanzhi.v' || md5(area_name);
BEGIN
    IF current_setting(key, true) IS DISTINCT FROM txid_current()::text THEN
        UPDATE versions SET n = n + 1 WHERE area = area_name;
        PERFORM set_config(key, txid_current()::text, true);
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION versions_new_plan() RETURNS trigger AS $$
BEGIN
    INSERT INTO versions (area, n) VALUES ('tracking:' || NEW.code, 0) ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER versions_plans AFTER INSERT ON plans FOR EACH ROW EXECUTE FUNCTION versions_new_plan();

-- The tracking areas of the plans whose assignments the changed rows (transition table
-- `changed`, with an assignment_id column) belong to, and 'tracking'.
CREATE FUNCTION bump_tracking() RETURNS trigger AS $$
DECLARE
    plan_area TEXT;
BEGIN
    PERFORM bump_version('tracking');
    IF TG_TABLE_NAME = 'progress_reports' OR TG_TABLE_NAME = 'urges' THEN
        FOR plan_area IN EXECUTE
            'SELECT DISTINCT ''tracking:'' || p.code FROM changed c
             JOIN assignments a ON a.id = c.assignment_id
             JOIN work_items w ON w.id = a.work_item_id JOIN plans p ON p.id = w.plan_id'
        LOOP
            PERFORM bump_version(plan_area);
        END LOOP;
    ELSIF TG_TABLE_NAME = 'report_reviews' THEN
        FOR plan_area IN EXECUTE
            'SELECT DISTINCT ''tracking:'' || p.code FROM changed c
             JOIN progress_reports r ON r.id = c.report_id
             JOIN assignments a ON a.id = r.assignment_id
             JOIN work_items w ON w.id = a.work_item_id JOIN plans p ON p.id = w.plan_id'
        LOOP
            PERFORM bump_version(plan_area);
        END LOOP;
    ELSIF TG_TABLE_NAME = 'urge_answers' THEN
        FOR plan_area IN EXECUTE
            'SELECT DISTINCT ''tracking:'' || p.code FROM changed c
             JOIN urges u ON u.id = c.urge_id
             JOIN assignments a ON a.id = u.assignment_id
             JOIN work_items w ON w.id = a.work_item_id JOIN plans p ON p.id = w.plan_id'
        LOOP
            PERFORM bump_version(plan_area);
        END LOOP;
    ELSIF TG_TABLE_NAME = 'plan_reminders' THEN
        FOR plan_area IN EXECUTE 'SELECT DISTINCT ''tracking:'' || plan_code FROM changed'
        LOOP
            PERFORM bump_version(plan_area);
        END LOOP;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- TRUNCATE has no rows to name: every tracking area moves.
CREATE FUNCTION bump_all_tracking() RETURNS trigger AS $$
BEGIN
    UPDATE versions SET n = n + 1 WHERE area = 'tracking' OR area LIKE 'tracking:%';
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION bump_readings() RETURNS trigger AS $$
BEGIN
    PERFORM bump_version('readings');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER data_version ON progress_reports;
DROP TRIGGER data_version ON report_reviews;
DROP TRIGGER data_version ON urges;
DROP TRIGGER data_version ON urge_answers;
DROP TRIGGER data_version ON plan_reminders;
DROP TRIGGER data_version ON bulletins;
DROP TRIGGER data_version ON readings;
CREATE TRIGGER versions_i AFTER INSERT ON progress_reports REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_tracking();
CREATE TRIGGER versions_u AFTER UPDATE ON progress_reports REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_tracking();
CREATE TRIGGER versions_d AFTER DELETE ON progress_reports REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_tracking();
CREATE TRIGGER versions_t AFTER TRUNCATE ON progress_reports FOR EACH STATEMENT EXECUTE FUNCTION bump_all_tracking();
CREATE TRIGGER versions_i AFTER INSERT ON report_reviews REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_tracking();
CREATE TRIGGER versions_u AFTER UPDATE ON report_reviews REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_tracking();
CREATE TRIGGER versions_d AFTER DELETE ON report_reviews REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_tracking();
CREATE TRIGGER versions_t AFTER TRUNCATE ON report_reviews FOR EACH STATEMENT EXECUTE FUNCTION bump_all_tracking();
CREATE TRIGGER versions_i AFTER INSERT ON urges REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_tracking();
CREATE TRIGGER versions_u AFTER UPDATE ON urges REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_tracking();
CREATE TRIGGER versions_d AFTER DELETE ON urges REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_tracking();
CREATE TRIGGER versions_t AFTER TRUNCATE ON urges FOR EACH STATEMENT EXECUTE FUNCTION bump_all_tracking();
CREATE TRIGGER versions_i AFTER INSERT ON urge_answers REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_tracking();
CREATE TRIGGER versions_u AFTER UPDATE ON urge_answers REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_tracking();
CREATE TRIGGER versions_d AFTER DELETE ON urge_answers REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_tracking();
CREATE TRIGGER versions_t AFTER TRUNCATE ON urge_answers FOR EACH STATEMENT EXECUTE FUNCTION bump_all_tracking();
CREATE TRIGGER versions_i AFTER INSERT ON plan_reminders REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_tracking();
CREATE TRIGGER versions_u AFTER UPDATE ON plan_reminders REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_tracking();
CREATE TRIGGER versions_d AFTER DELETE ON plan_reminders REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_tracking();
CREATE TRIGGER versions_t AFTER TRUNCATE ON plan_reminders FOR EACH STATEMENT EXECUTE FUNCTION bump_all_tracking();
CREATE TRIGGER versions AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON bulletins FOR EACH STATEMENT EXECUTE FUNCTION bump_all_tracking();
CREATE TRIGGER versions AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON readings FOR EACH STATEMENT EXECUTE FUNCTION bump_readings();
