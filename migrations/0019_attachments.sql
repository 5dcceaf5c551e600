-- Issue #19: attachments are shown, downloaded and uploaded by staff.
-- A staff upload has no intake row (the file itself is what is kept); every row says
-- who added it and when, its size, and the type read from its bytes (NULL: none of
-- the kinds petitiond takes, e.g. a mail's .exe, which is only ever downloaded).
ALTER TABLE case_attachments
  ALTER COLUMN intake_id DROP NOT NULL,
  ADD COLUMN size     bigint,
  ADD COLUMN kind     text,
  ADD COLUMN added_by text        NOT NULL DEFAULT 'intake',
  ADD COLUMN added_at timestamptz NOT NULL DEFAULT now();
UPDATE case_attachments SET size = length(data);
UPDATE case_attachments a SET added_at = r.received_at FROM intake_raw r WHERE r.id = a.intake_id;
ALTER TABLE case_attachments ALTER COLUMN size SET NOT NULL;

-- Downloads of a confidential case's files are logged like reads.
ALTER TABLE case_access_log DROP CONSTRAINT case_access_log_action_check;
ALTER TABLE case_access_log ADD CONSTRAINT case_access_log_action_check
  CHECK (action IN ('read', 'reveal', 'download'));
