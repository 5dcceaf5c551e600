-- Issue #9: access codes and confirmation links are not readable from outbox bodies.
-- The body keeps {{access_code}} / {{link}} placeholders; the values are sealed
-- (libsodium secretbox, hex) under a key kept outside the database and filled in by the
-- dispatcher at send time. The column is cleared once the message is sent or dead, so
-- the secret exists in the database only while it waits to be delivered, and sealed.
ALTER TABLE outbox ADD COLUMN sealed text;
