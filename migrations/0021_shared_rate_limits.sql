-- Issue #20: every rate limit is counted where all nodes see it. With N nodes behind a
-- load balancer the sign-in throttle, the /track, survey and Open311 limits and the
-- mailbox form's per-address limit were each counted in one process's memory, so N
-- nodes allowed N times each limit.
--
-- One row per counted event; `key` is the SHA-256 of what is counted (a login, a
-- client address, a case number), so no login or address is stored. Rows older than
-- the longest window (a day) are pruned as new ones arrive (engine/store/rate_store.cpp).
CREATE TABLE rate_events (
  scope text        NOT NULL,  -- which limit: login, login_address, track_client, ...
  key   text        NOT NULL,  -- hex SHA-256 of the counted key
  at    timestamptz NOT NULL
);
CREATE INDEX rate_events_key ON rate_events (scope, key, at);
CREATE INDEX rate_events_at ON rate_events (at);
