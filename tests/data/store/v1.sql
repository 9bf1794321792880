-- An Inferscope history database of schema 1 (the layout before rollups), for the migration
-- test. Rebuild the committed binary with:
--   rm -f tests/data/store/v1.sqlite && sqlite3 tests/data/store/v1.sqlite < tests/data/store/v1.sql
-- Schema 1: samples keyed by milliseconds with nullable values, no units, no rollups, no
-- deployments, gaps without recorded_at.
PRAGMA user_version = 1;
CREATE TABLE series(id INTEGER PRIMARY KEY, source TEXT NOT NULL, metric TEXT NOT NULL,
                    aggregation TEXT NOT NULL, labels TEXT NOT NULL,
                    UNIQUE(source, metric, aggregation, labels));
CREATE TABLE samples(series_id INTEGER NOT NULL, ts_ms INTEGER NOT NULL, value REAL,
                     PRIMARY KEY(series_id, ts_ms)) WITHOUT ROWID;
CREATE TABLE gaps(source TEXT NOT NULL, from_ts INTEGER NOT NULL, to_ts INTEGER NOT NULL,
                  reason TEXT NOT NULL);

INSERT INTO series(id, source, metric, aggregation, labels) VALUES
  (1, 'demo-azure', 'AzureOpenAIRequests', 'total', 'ModelDeploymentName=gpt-4o;StatusCode=200'),
  (2, 'demo-azure', 'AzureOpenAIRequests', 'total', 'ModelDeploymentName=gpt-4o;StatusCode=429');

-- 180 minutes from 2026-01-01T00:00:00Z: series 1 counts 0, 1, 2, ...; series 2 is always 1.
WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < 179)
INSERT INTO samples(series_id, ts_ms, value) SELECT 1, (1767225600 + i * 60) * 1000, i FROM m;
WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < 179)
INSERT INTO samples(series_id, ts_ms, value) SELECT 2, (1767225600 + i * 60) * 1000, 1 FROM m;
-- Schema 1 wrote "no data" as NULL: the migration drops it.
INSERT INTO samples(series_id, ts_ms, value) VALUES (2, (1767225600 + 180 * 60) * 1000, NULL);

INSERT INTO gaps(source, from_ts, to_ts, reason) VALUES
  ('demo-azure', 1767236400, 1767240000, 'Azure Monitor refused the token (401).');
