-- A submitted report form carries a key made when the form was shown (issue 21): the same
-- key sent again — a double click, a retried request — answers with the report it first made
-- instead of filing a second one.
ALTER TABLE progress_reports ADD COLUMN submission_key TEXT;
CREATE UNIQUE INDEX progress_reports_submission_key ON progress_reports (submission_key);
