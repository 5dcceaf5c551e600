-- Issue #21: a news item keeps its element as it arrived (intake_raw.raw) and the feed
-- document it came in, kept once by its digest (the item's source names it); only
-- documents something was taken from or refused in are kept. The feeds' status for
-- the admin's page: when a fetch last succeeded and how many items were taken.
CREATE TABLE feed_documents (
  sha256     text        PRIMARY KEY,  -- hex SHA-256 of body
  url        text        NOT NULL,
  fetched_at timestamptz NOT NULL,
  body       bytea       NOT NULL
);
ALTER TABLE news_feeds ADD COLUMN last_success_at timestamptz, ADD COLUMN items_taken bigint NOT NULL DEFAULT 0;
