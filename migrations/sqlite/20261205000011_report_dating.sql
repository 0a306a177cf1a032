-- Report dating (the "rewritable history" review): a report may not claim a day after the day
-- it is made, nor a day before the assignment's previous report — the store checks both in the
-- transaction that adds it. Beside the day a report claims (`reported_on`), the day (China
-- time, UTC+8) it was recorded: replays of a past day (`?as_of=`) see only the reports and
-- reviews recorded by that day, so what is filed later never changes the past. A report
-- claiming a day more than `reports.backdate_days` (7) before the day it was made is a 补报
-- (`late_filed`): done, it counts from the day it was recorded, unless the coordinator who
-- accepts it chooses the claimed day (`accepts_claimed_day` on the review).
ALTER TABLE progress_reports ADD COLUMN recorded_on TEXT NOT NULL DEFAULT '';
ALTER TABLE progress_reports ADD COLUMN late_filed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE report_reviews ADD COLUMN recorded_on TEXT NOT NULL DEFAULT '';
ALTER TABLE report_reviews ADD COLUMN accepts_claimed_day BOOLEAN NOT NULL DEFAULT FALSE;

-- The rows already stored: recorded on the China day of `created_at`; a 补报 by the default
-- allowance of 7 days (an acceptance made before this release did not choose the claimed day).
-- Reports and reviews are append-only: the guards stand aside for this one backfill, and the
-- data version moves on once instead of once per row.
DROP TRIGGER progress_reports_no_update;
DROP TRIGGER report_reviews_no_update;
DROP TRIGGER data_version_progress_reports_u;
DROP TRIGGER data_version_report_reviews_u;

UPDATE progress_reports SET recorded_on = date(created_at, '+8 hours');
UPDATE progress_reports SET late_filed = TRUE
WHERE julianday(recorded_on) - julianday(reported_on) > 7;
UPDATE report_reviews SET recorded_on = date(created_at, '+8 hours');
UPDATE data_version SET n = n + 1;

CREATE TRIGGER progress_reports_no_update BEFORE UPDATE ON progress_reports
BEGIN
    SELECT RAISE(ABORT, 'progress reports are append-only');
END;
CREATE TRIGGER report_reviews_no_update BEFORE UPDATE ON report_reviews
BEGIN
    SELECT RAISE(ABORT, 'report reviews are append-only');
END;
CREATE TRIGGER data_version_progress_reports_u AFTER UPDATE ON progress_reports BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_report_reviews_u AFTER UPDATE ON report_reviews BEGIN UPDATE data_version SET n = n + 1; END;

CREATE INDEX progress_reports_recorded ON progress_reports (recorded_on);
