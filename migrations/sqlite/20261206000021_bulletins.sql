-- Monthly 通报, closed and kept (issue 22): a coordinator or an admin closes a month and its
-- 总览 is frozen here as it was shown (JSON), with who closed it, when, and the data version it
-- was computed at. A closed month always shows this record; what arrives later for the month is
-- listed beside it as 通报后更正, never mixed in. Records are never changed.
CREATE TABLE bulletins (
    id              INTEGER PRIMARY KEY,
    month           TEXT    NOT NULL UNIQUE CHECK (length(month) = 7),
    doc_no          TEXT    NOT NULL,
    closed_by       TEXT    NOT NULL,
    closed_by_name  TEXT    NOT NULL,
    closed_at       TEXT    NOT NULL,
    data_version    INTEGER NOT NULL,
    overview        TEXT    NOT NULL,
    is_demo         BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TRIGGER bulletins_no_update BEFORE UPDATE ON bulletins
BEGIN
    SELECT RAISE(ABORT, 'a closed month is never changed');
END;
CREATE TRIGGER data_version_bulletins_i AFTER INSERT ON bulletins BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_bulletins_d AFTER DELETE ON bulletins BEGIN UPDATE data_version SET n = n + 1; END;
