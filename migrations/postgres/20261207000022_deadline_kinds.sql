-- More of the deadline grammar (issue 23): a duty after an event within a time (“文件印发后5个
-- 工作日内”: within_n = 5, within_unit = 'working_day'; “会议召开后及时报送”: 'promptly'), a duty
-- contingent on a higher level (“按省里统一部署”: event holds what it waits on), and a phrase an
-- import could not read, kept as written and 待确认 (event holds why) until a coordinator dates
-- or classifies it. None of the three is ever given a date.
ALTER TABLE milestones DROP CONSTRAINT milestones_kind_check;
ALTER TABLE milestones ADD CONSTRAINT milestones_kind_check
    CHECK (kind IN ('by', 'from', 'recurring', 'continuous', 'event_relative', 'contingent', 'unconfirmed'));
ALTER TABLE milestones ADD COLUMN within_n INTEGER CHECK (within_n >= 1);
ALTER TABLE milestones ADD COLUMN within_unit TEXT
    CHECK (within_unit IN ('day', 'working_day', 'week', 'month', 'year', 'promptly'));
ALTER TABLE milestones ADD CONSTRAINT milestones_within_kind
    CHECK (within_unit IS NULL OR kind = 'event_relative');
ALTER TABLE milestones ADD CONSTRAINT milestones_within_n
    CHECK ((within_unit = 'promptly' OR within_unit IS NULL) = (within_n IS NULL));
ALTER TABLE milestones ADD CONSTRAINT milestones_event_named
    CHECK (kind NOT IN ('event_relative', 'contingent', 'unconfirmed') OR event IS NOT NULL);
CREATE INDEX milestones_kind ON milestones (kind) WHERE kind = 'unconfirmed';
