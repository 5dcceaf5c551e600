-- Issue #19: search in Chinese (docs/decisions.md "Search"). Debian has no pg_bigm, and
-- pg_trgm does not index words of two characters, which is most Chinese words; so each
-- case keeps the character pairs (bigrams) of its normalised text in an array with a
-- GIN index. A query's terms need all their pairs (the index finds the candidates) and
-- then must occur in the text (strpos), so what is found is exactly what a full scan
-- with LIKE would find.

-- The one normal form of searched text, for documents and queries alike: Unicode NFKC
-- (full-width letters, digits and punctuation as ASCII, the ideographic space as a
-- space, half-width katakana as full-width), 臺 as 台, ASCII letters in lower case.
CREATE FUNCTION petitiond_search_norm(t text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN lower(replace(normalize(t, NFKC), '臺', '台') COLLATE "C");

-- A phone number in its one normal form (engine/contact.hpp NormalPhone): spaces,
-- hyphens and parentheses dropped, +886 written as the leading 0.
CREATE FUNCTION petitiond_phone_norm(p text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN CASE WHEN regexp_replace(p, '[ ()-]', '', 'g') LIKE '+886%'
              THEN '0' || substr(regexp_replace(p, '[ ()-]', '', 'g'), 5)
              ELSE regexp_replace(p, '[ ()-]', '', 'g') END;

-- The index keys of `t`: the distinct pairs of adjacent characters, leaving out those
-- with white space (a query term never holds any), and every run of four digits. Digit
-- pairs are in nearly every case (phone numbers, case numbers), so a number is found by
-- its runs of four, which are rare; a text holds every run of four of the numbers in it.
CREATE FUNCTION petitiond_bigrams(t text) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  -- The pairs from the first character on and from the second on: every adjacent pair.
  RETURN ARRAY(SELECT g FROM (SELECT m[1] AS g FROM regexp_matches(t, '(..)', 'g') AS m
                              UNION SELECT m[1] FROM regexp_matches(substr(t, 2), '(..)', 'g') AS m
                              UNION SELECT substr(d[1], i, 4) FROM regexp_matches(t, '([0-9]{4,})', 'g') AS d,
                                    generate_series(1, length(d[1]) - 3) AS i) AS p
               WHERE g !~ '\s');

-- A query's terms in the normal form.
CREATE FUNCTION petitiond_search_terms(terms text[]) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN ARRAY(SELECT petitiond_search_norm(t) FROM unnest(terms) AS t);

-- The keys a case must have to hold every one of `terms` (normalised): a term's runs
-- of four digits stand for its digit pairs, which every number has.
CREATE FUNCTION petitiond_terms_grams(terms text[]) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN ARRAY(SELECT DISTINCT g FROM unnest(terms) AS t, unnest(petitiond_bigrams(t)) AS g
               WHERE g !~ '^[0-9]{2}$' OR t !~ '[0-9]{4}');

-- Phone numbers are stored in their normal form, so 0912-345-678, 0912345678 and
-- +886 912 345 678 are one petitioner (repeats, search).
UPDATE cases SET petitioner = jsonb_set(petitioner, '{phone}', to_jsonb(petitiond_phone_norm(petitioner ->> 'phone')))
WHERE petitioner ->> 'phone' IS NOT NULL AND petitioner ->> 'phone' <> petitiond_phone_norm(petitioner ->> 'phone');

-- One row a case. A confidential petitioner's identity is kept apart (secret_*), so
-- that only those who may see it (the director, the privacy officer) can find a case
-- by it: for everyone else it is not in the searched text at all.
CREATE TABLE case_search (
  case_id      bigint  PRIMARY KEY,           -- cases.id (no foreign key: written with the case)
  office       text    COLLATE "C" NOT NULL,  -- = cases.office: an office's searches walk its own rows
  confidential boolean NOT NULL,
  subject      text    NOT NULL,              -- normalised, for relevance
  open_text    text    NOT NULL,              -- public_no, subject, body, replies; the petitioner unless confidential
  secret_text  text    NOT NULL,              -- a confidential petitioner's name, phone, e-mail and address
  replies      text    NOT NULL DEFAULT '',   -- the texts of events that count as a reply, as written
  grams        text[]  NOT NULL,
  secret_grams text[]  NOT NULL
);
CREATE INDEX case_search_grams ON case_search USING gin (grams);
-- An office's rows newest first: a common word is found by walking them.
CREATE INDEX case_search_office ON case_search (office, case_id);
CREATE INDEX case_search_confidential ON case_search USING gin ((grams || secret_grams)) WHERE confidential;

-- The row of case `c` with its `replies`.
CREATE FUNCTION case_search_row(c cases, replies text) RETURNS case_search
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  who  text := petitiond_search_norm(concat_ws(' ', c.petitioner ->> 'name', c.petitioner ->> 'phone',
                                               c.petitioner ->> 'email', c.petitioner ->> 'address'));
  doc  text := petitiond_search_norm(concat_ws(' ', c.public_no, c.subject, c.body, replies));
  r    case_search;
BEGIN
  r.case_id := c.id;
  r.office := c.office;
  r.confidential := c.confidential;
  r.subject := petitiond_search_norm(c.subject);
  r.replies := replies;
  IF c.confidential THEN
    r.open_text := doc;
    r.secret_text := who;
  ELSE
    r.open_text := concat_ws(' ', doc, who);
    r.secret_text := '';
  END IF;
  r.grams := petitiond_bigrams(r.open_text);
  r.secret_grams := petitiond_bigrams(r.secret_text);
  RETURN r;
END $$;

-- The triggers run as the owner: serve only reads case_search (engine/store/migrator.cpp).
CREATE FUNCTION case_search_on_case() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  old_replies text := '';
BEGIN
  IF TG_OP = 'UPDATE' THEN
    SELECT s.replies INTO old_replies FROM case_search s WHERE s.case_id = NEW.id;
  END IF;
  INSERT INTO case_search SELECT * FROM case_search_row(NEW, coalesce(old_replies, ''))
  ON CONFLICT (case_id) DO UPDATE SET office = EXCLUDED.office, confidential = EXCLUDED.confidential,
    subject = EXCLUDED.subject,
    open_text = EXCLUDED.open_text, secret_text = EXCLUDED.secret_text, grams = EXCLUDED.grams,
    secret_grams = EXCLUDED.secret_grams;
  RETURN NULL;
END $$;
CREATE TRIGGER case_search_case AFTER INSERT OR UPDATE OF public_no, office, subject, body, petitioner, confidential
  ON cases FOR EACH ROW EXECUTE FUNCTION case_search_on_case();

-- A reply's text (the event's data, whatever its keys are called) becomes searchable.
CREATE FUNCTION case_search_on_reply() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  said text := (SELECT string_agg(value, ' ') FROM jsonb_each_text(NEW.data));
  c cases;
BEGIN
  IF said IS NULL OR said = '' THEN RETURN NULL; END IF;
  SELECT * INTO c FROM cases WHERE id = NEW.case_id;
  UPDATE case_search s SET (replies, open_text, grams) =
    (SELECT r.replies, r.open_text, r.grams FROM case_search_row(c, concat_ws(' ', nullif(s.replies, ''), said)) r)
  WHERE s.case_id = NEW.case_id;
  RETURN NULL;
END $$;
CREATE TRIGGER case_search_reply AFTER INSERT ON case_events FOR EACH ROW WHEN (NEW.counts_as = 'reply')
  EXECUTE FUNCTION case_search_on_reply();

-- Every case's row, made anew (this migration; benchmarks that seed without triggers).
CREATE FUNCTION case_search_rebuild() RETURNS bigint LANGUAGE sql AS $$
  TRUNCATE case_search;
  INSERT INTO case_search
  SELECT s.*
  FROM cases c LEFT JOIN (
    SELECT e.case_id, string_agg(d.value, ' ' ORDER BY e.seq) AS said
    FROM case_events e, jsonb_each_text(e.data) d WHERE e.counts_as = 'reply' GROUP BY e.case_id) r
  ON r.case_id = c.id, LATERAL case_search_row(c, coalesce(r.said, '')) AS s;
  SELECT count(*) FROM case_search;
$$;
SELECT case_search_rebuild();
