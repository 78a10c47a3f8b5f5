-- History for the "cost does not grow with history" check (docs/benchmarks.md): adds :n messages spread over
-- :threads threads of one seeding user, and :n events to the outbox as already numbered and published (within the
-- retention, so nothing purges them), as a forum that has run for a while would have.
--
--   psql -h 127.0.0.1 -U postgres -d <forum database> -v n=1000000 -v threads=1000 -f forum-api/bench/seed_history.sql
--
-- Run it while forum-api is at rest (every event published): it moves the relay's counters past the seeded
-- events, under the state row's lock, so the next post gets the next seq.
\set ON_ERROR_STOP on
BEGIN;

DO $$
BEGIN
    IF (SELECT published_seq <> last_seq FROM outbox_relay_state WHERE id = 1 FOR UPDATE) THEN
        RAISE EXCEPTION 'the relay has unpublished events: seed the history at rest';
    END IF;
END $$;

INSERT INTO forum_user (username, display_name, password_hash)
SELECT 'history_seed', 'History seed', '!'
WHERE NOT EXISTS (SELECT 1 FROM forum_user WHERE lower(username) = 'history_seed');

CREATE TEMP TABLE seeded_thread ON COMMIT DROP AS
WITH inserted AS (
    INSERT INTO forum_thread (title, user_id, message_count, last_activity_at, created_at)
    SELECT 'History thread ' || g, u.id, 0, now() - interval '1 day', now() - interval '1 day'
    FROM generate_series(1, :threads) g, (SELECT id FROM forum_user WHERE lower(username) = 'history_seed') u
    RETURNING id)
SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM inserted;

INSERT INTO forum_message (thread_id, user_id, content, content_html, created_at)
SELECT t.id, u.id,
       'History message ' || g || ': a hundred bytes of ordinary forum text about releases, reviews and plans.',
       '<p>History message ' || g || ': a hundred bytes of ordinary forum text about releases, reviews and plans.</p>',
       now() - interval '1 day' + g * interval '1 millisecond'
FROM generate_series(0, :n - 1) g
JOIN seeded_thread t ON t.k = g % :threads
CROSS JOIN (SELECT id FROM forum_user WHERE lower(username) = 'history_seed') u;

UPDATE forum_thread f SET message_count = c.n, last_activity_at = now() - interval '1 hour'
FROM (SELECT thread_id, count(*) AS n FROM forum_message WHERE thread_id IN (SELECT id FROM seeded_thread)
      GROUP BY thread_id) c
WHERE f.id = c.thread_id;

INSERT INTO outbox_event (id, aggregate_type, aggregate_id, type, audience, thread_id, payload, committed_at, seq, xid)
SELECT gen_random_uuid(), 'thread', t.id::text, 'new_message', 'thread', t.id,
       json_build_object('message', json_build_object('id', g, 'thread_id', t.id, 'content',
           'History message ' || g || ': a hundred bytes of ordinary forum text about releases, reviews and plans.')),
       now(), s.last_seq + g + 1, '0'
FROM generate_series(0, :n - 1) g
JOIN seeded_thread t ON t.k = g % :threads
CROSS JOIN (SELECT last_seq FROM outbox_relay_state WHERE id = 1) s;

UPDATE outbox_relay_state SET last_seq = last_seq + :n, published_seq = published_seq + :n WHERE id = 1;

COMMIT;
ANALYZE forum_message;
ANALYZE forum_thread;
ANALYZE outbox_event;
