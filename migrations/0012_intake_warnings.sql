-- Issue #9: defects a connector read past (MIME structure, an unusable sender) are kept
-- on the intake row, "; "-separated; NULL when there were none.
ALTER TABLE intake_raw ADD COLUMN warnings text;
