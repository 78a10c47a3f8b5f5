-- The relay's cost no longer grows with the outbox's history, and no longer depends on VACUUM (see OutboxRelay).
--
-- xid: the writing transaction's id. The relay looks for unnumbered rows only from a watermark (numbered_xmin: the
-- oldest transaction still running when it last numbered everything it saw), so it never walks the index entries
-- of rows it numbered long ago, dead or not.
ALTER TABLE outbox_event ADD COLUMN xid xid8;
ALTER TABLE outbox_event ALTER COLUMN xid SET DEFAULT pg_current_xact_id();
UPDATE outbox_event SET xid = '0' WHERE seq IS NULL;
CREATE INDEX outbox_event_unnumbered ON outbox_event (xid) WHERE seq IS NULL;
DROP INDEX outbox_event_unpublished;

-- Unnumbered rows need no entry in the seq index.
CREATE UNIQUE INDEX outbox_event_seq ON outbox_event (seq) WHERE seq IS NOT NULL;
DROP INDEX outbox_event_seq_key;

-- Publishing progress is one number in the state row (published_seq), not a second update of every row; purged_seq
-- is the highest seq purged, so the feed's oldest_seq is read from the state row instead of min(seq) over an index
-- whose left end is purged rows.
ALTER TABLE outbox_relay_state ADD COLUMN published_seq bigint NOT NULL DEFAULT 0;
ALTER TABLE outbox_relay_state ADD COLUMN purged_seq bigint NOT NULL DEFAULT 0;
ALTER TABLE outbox_relay_state ADD COLUMN numbered_xmin xid8 NOT NULL DEFAULT '0';
UPDATE outbox_relay_state SET
    published_seq = coalesce((SELECT min(seq) - 1 FROM outbox_event WHERE seq IS NOT NULL AND published_at IS NULL), last_seq),
    purged_seq = coalesce((SELECT min(seq) - 1 FROM outbox_event WHERE seq IS NOT NULL), last_seq);
ALTER TABLE outbox_event DROP COLUMN published_at;

-- The relay publishes the payload text as stored: json keeps the writer's text (jsonb would re-encode it on the
-- way in and out). Nothing queries inside payloads.
ALTER TABLE outbox_event ALTER COLUMN payload TYPE json USING payload::json;
