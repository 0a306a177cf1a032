-- Report dating (the "rewritable history" review): a report may not claim a day after the day
-- it is made, nor a day before the assignment's previous report — the store checks both in the
-- transaction that adds it. Beside the day a report claims (`reported_on`), the day (China
-- time, UTC+8) it was recorded: replays of a past day (`?as_of=`) see only the reports and
-- reviews recorded by that day, so what is filed later never changes the past. A report
-- claiming a day more than `reports.backdate_days` (7) before the day it was made is a 补报
-- (`late_filed`): done, it counts from the day it was recorded, unless the coordinator who
-- accepts it chooses the claimed day (`accepts_claimed_day` on the review).
ALTER TABLE progress_reports ADD COLUMN recorded_on DATE;
ALTER TABLE progress_reports ADD COLUMN late_filed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE report_reviews ADD COLUMN recorded_on DATE;
ALTER TABLE report_reviews ADD COLUMN accepts_claimed_day BOOLEAN NOT NULL DEFAULT FALSE;

-- The rows already stored: recorded on the China day of `created_at`; a 补报 by the default
-- allowance of 7 days (an acceptance made before this release did not choose the claimed day).
-- Reports and reviews are append-only: the guards stand aside for this one backfill.
ALTER TABLE progress_reports DISABLE TRIGGER progress_reports_append_only;
ALTER TABLE report_reviews DISABLE TRIGGER report_reviews_append_only;

UPDATE progress_reports
SET recorded_on = ((created_at AT TIME ZONE 'UTC') + INTERVAL '8 hours')::date,
    late_filed = ((created_at AT TIME ZONE 'UTC') + INTERVAL '8 hours')::date - reported_on > 7;
UPDATE report_reviews
SET recorded_on = ((created_at AT TIME ZONE 'UTC') + INTERVAL '8 hours')::date;

ALTER TABLE progress_reports ENABLE TRIGGER progress_reports_append_only;
ALTER TABLE report_reviews ENABLE TRIGGER report_reviews_append_only;

ALTER TABLE progress_reports ALTER COLUMN recorded_on SET NOT NULL;
ALTER TABLE report_reviews ALTER COLUMN recorded_on SET NOT NULL;

CREATE INDEX progress_reports_recorded ON progress_reports (recorded_on);
