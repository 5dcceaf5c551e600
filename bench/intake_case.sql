-- pgbench script for bench/intake: the statements petitiond runs for one staff-logged
-- hotline call (engine/store: UserForSession, CasesOfPetitioner, kInsertCaseWithRows),
-- with the same shapes: 1 audit event, 2 clocks, 4 timers, the raw JSON input.
-- Keep it in step with engine/store/case_store.cpp when the schema changes.
\set n random(1, 1000000000)
SELECT u.id, u.login, array_to_string(u.roles, ','), u.office, u.disabled::int, u.password_hash
  FROM users u JOIN sessions s ON s.user_id = u.id
  WHERE s.token_hash = 'bench-token-hash' AND s.expires_at > now() AND NOT u.disabled;
BEGIN;
SELECT id, public_no, subject, state, extract(epoch FROM received_at)::bigint FROM cases
  WHERE id IN (SELECT id FROM cases WHERE petitioner ->> 'phone' = '09' || :n AND petitioner ->> 'phone' <> ''
               AND received_at >= now() - interval '30 days'
               UNION SELECT id FROM cases WHERE false)
  AND merged_into IS NULL AND NOT confidential AND office = 'main' ORDER BY id DESC LIMIT 20;
WITH n AS (SELECT nextval('case_public_seq') AS v),
c AS (INSERT INTO cases (public_no, channel, workflow_name, workflow_version, state, office, category, subject, body,
                         petitioner, assignee, overdue, priority, external_ref, access_code_hash, received_at,
                         last_seq, next_due_at)
      SELECT '115-' || lpad(n.v::text, 6, '0'), 'hotline', 'hotline-1999', :hotline_version, 'received', 'main', '戶籍',
             '門牌整編查詢 ' || :n, '民眾來電詢問門牌整編進度，請承辦人回電說明。',
             jsonb_build_object('name', '王小明', 'phone', '09' || :n, 'address', '臺東縣臺東市中山路 1 號'),
             NULL, false, 0, NULL, 'hmac-sha256$0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
             now(), 1, now() + interval '1 day' FROM n
      RETURNING id, public_no, extract(epoch FROM created_at)::bigint AS created),
ev AS (INSERT INTO case_events (case_id, seq, event, from_state, to_state, actor, at, data, comment)
       SELECT c.id, 1, 'received', NULL, 'received', 'bench', now(), '{"channel":"hotline","office":"main"}', NULL
       FROM c),
ck AS (INSERT INTO clocks (case_id, name, started_at, due_at, paused_at, paused_seconds, stopped_at, extensions,
                           fired, calendar_incomplete, pending_extension)
       SELECT c.id, k, now(), now() + d, NULL, 0, NULL, 0, '{}', false, NULL
       FROM c, (VALUES ('assign', interval '1 day'), ('response', interval '8 days')) AS u(k, d)),
tm AS (INSERT INTO timers (case_id, clock, rule, due_at)
       SELECT c.id, k, r, now() + d FROM c,
       (VALUES ('assign', 0, interval '1 day'), ('response', 1, interval '6 days'),
               ('response', 2, interval '8 days'), ('response', 3, interval '10 days')) AS u(k, r, d)),
raw AS (INSERT INTO intake_raw (channel, source, external_ref, content_type, raw, status, reason, case_id)
        SELECT 'hotline', 'staff bench', NULL, 'application/json',
               convert_to('{"channel":"hotline","office":"main","category":"戶籍","subject":"門牌整編查詢","body":"民眾來電詢問門牌整編進度，請承辦人回電說明。","petitioner":{"name":"王小明","phone":"09' || :n || '","address":"臺東縣臺東市中山路 1 號"}}', 'UTF8'),
               'accepted', NULL, c.id FROM c RETURNING id)
SELECT c.id, c.public_no, c.created, (SELECT id FROM raw) FROM c;
COMMIT;
