-- Evidence as files (issue 21): photos and PDFs attached to a progress report, kept in the
-- database (so a backup has them). A file is uploaded while the report form is filled in
-- (`report_id` still NULL, tied to the assignment and the uploader) and bound to the report
-- in the report's own transaction. Files are never changed; they go with a demo report.
CREATE TABLE report_files (
    id             INTEGER PRIMARY KEY,
    assignment_id  INTEGER NOT NULL REFERENCES assignments (id),
    report_id      INTEGER REFERENCES progress_reports (id) ON DELETE CASCADE,
    name           TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    content_type   TEXT    NOT NULL,
    size           INTEGER NOT NULL CHECK (size > 0),
    sha256         TEXT    NOT NULL,
    data           BLOB    NOT NULL,
    uploaded_by    TEXT    NOT NULL,
    uploaded_at    TEXT    NOT NULL
);
CREATE INDEX report_files_report ON report_files (report_id);
CREATE TRIGGER report_files_no_update BEFORE UPDATE OF data, name, content_type, size, sha256,
    assignment_id ON report_files
BEGIN
    SELECT RAISE(ABORT, 'report files are never changed');
END;
