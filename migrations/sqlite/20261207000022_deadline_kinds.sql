-- More of the deadline grammar (issue 23): a duty after an event within a time (“文件印发后5个
-- 工作日内”: within_n = 5, within_unit = 'working_day'; “会议召开后及时报送”: 'promptly'), a duty
-- contingent on a higher level (“按省里统一部署”: event holds what it waits on), and a phrase an
-- import could not read, kept as written and 待确认 (event holds why) until a coordinator dates
-- or classifies it. None of the three is ever given a date.
-- SQLite cannot change a CHECK: the table is rebuilt (nothing references it; its index and the
-- data-version triggers are made again).
CREATE TABLE milestones_new (
    work_item_id  INTEGER NOT NULL REFERENCES work_items (id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL CHECK (seq >= 1),
    phrase        TEXT    NOT NULL CHECK (length(trim(phrase)) > 0),
    kind          TEXT    NOT NULL CHECK (kind IN ('by', 'from', 'recurring', 'continuous',
                                                   'event_relative', 'contingent', 'unconfirmed')),
    due_date      TEXT,
    date_precision TEXT   CHECK (date_precision IN ('year', 'half_year', 'quarter', 'month', 'ten_days', 'day')),
    recurrence    TEXT    CHECK (recurrence IN ('weekly', 'monthly', 'quarterly', 'half_yearly', 'yearly')),
    event         TEXT,
    within_n      INTEGER CHECK (within_n >= 1),
    within_unit   TEXT    CHECK (within_unit IN ('day', 'working_day', 'week', 'month', 'year', 'promptly')),
    PRIMARY KEY (work_item_id, seq),
    CHECK ((kind IN ('by', 'from')) = (due_date IS NOT NULL)),
    CHECK (within_unit IS NULL OR kind = 'event_relative'),
    CHECK ((within_unit = 'promptly' OR within_unit IS NULL) = (within_n IS NULL)),
    CHECK (kind NOT IN ('event_relative', 'contingent', 'unconfirmed') OR event IS NOT NULL)
);
INSERT INTO milestones_new (work_item_id, seq, phrase, kind, due_date, date_precision, recurrence, event)
    SELECT work_item_id, seq, phrase, kind, due_date, date_precision, recurrence, event FROM milestones;
DROP TABLE milestones;
ALTER TABLE milestones_new RENAME TO milestones;
CREATE INDEX milestones_due ON milestones (due_date);
CREATE INDEX milestones_kind ON milestones (kind) WHERE kind = 'unconfirmed';
CREATE TRIGGER data_version_milestones_i AFTER INSERT ON milestones BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_milestones_u AFTER UPDATE ON milestones BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER data_version_milestones_d AFTER DELETE ON milestones BEGIN UPDATE data_version SET n = n + 1; END;
