-- The mailbox form's daily cap per recipient (issue #9): confirmation mails to one
-- address in the last 24 hours, counted across nodes. next_attempt_at starts as the
-- time of the form (the service's clock) and only moves later on a retry.
CREATE INDEX outbox_confirmations ON outbox (lower(recipient), next_attempt_at)
  WHERE idempotency_key LIKE 'petitiond:intake:%:confirm';
