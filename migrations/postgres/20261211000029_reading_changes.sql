-- Which readings each write changed, under the readings version the write moved to (issue
-- 26): an app server keeps a year's readings in memory (sanzhi_store::ReadingsMirror) and,
-- after a write anywhere, reads again only the series (indicator, place, year) changed since
-- the version it holds. A write of many series (an import) records its years instead
-- (indicator and place '*'), a removal of the demo readings every year (year 0). Old rows are
-- pruned by the writes; a server further behind than `pruned_below` reads everything again.
CREATE TABLE reading_changes (
    version    BIGINT  NOT NULL,
    year       INTEGER NOT NULL,
    indicator  TEXT    NOT NULL,
    place      TEXT    NOT NULL
);
CREATE INDEX reading_changes_version ON reading_changes (version);
CREATE TABLE reading_changes_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    pruned_below  BIGINT  NOT NULL
);
INSERT INTO reading_changes_state (id, pruned_below) VALUES (1, 0);
