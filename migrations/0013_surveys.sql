-- Issue #10: the satisfaction questionnaire, one per case. The token travels only in
-- the reply notice (sealed in the outbox, see 0011); only its SHA-256 is kept here.
-- Scores 1-5 for 處理速度 (speed), 處理結果 (result) and 服務態度 (attitude).
CREATE TABLE surveys (
  case_id     bigint      PRIMARY KEY REFERENCES cases (id),
  token_hash  text        NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  answered_at timestamptz,
  speed       smallint    CHECK (speed BETWEEN 1 AND 5),
  result      smallint    CHECK (result BETWEEN 1 AND 5),
  attitude    smallint    CHECK (attitude BETWEEN 1 AND 5),
  comment     text
);
CREATE INDEX surveys_answered ON surveys (answered_at) WHERE answered_at IS NOT NULL;
