-- Events split into streams by shard (issue 14, docs/events.md "Shards"); see OutboxRelay and OutboxNumbering.
--
-- shard: set at insert by the routing rule (EventShards.shardOf with forum.events.shard-count); NULL on rows written
-- before this version (and by a replica of an older version during a rolling upgrade: the relay adopts those).
-- shard_epoch: set with seq when the relay numbers the row in its shard's stream. A row with seq and no shard_epoch
-- belongs to the legacy global stream, whose seq and state (outbox_relay_state) stay as they were.
ALTER TABLE outbox_event ADD COLUMN shard integer;
ALTER TABLE outbox_event ADD COLUMN shard_epoch integer;

-- One row per epoch: the shard count it was opened with. The current epoch is the greatest.
CREATE TABLE outbox_shard_epoch (
    epoch       integer     PRIMARY KEY CHECK (epoch > 0),
    shard_count integer     NOT NULL CHECK (shard_count > 0),
    opened_at   timestamptz NOT NULL DEFAULT now()
);

-- One row per stream (epoch, shard): what outbox_relay_state is to the legacy stream. Its row lock serialises the
-- numbering of its shard (even two relays in a fail-over), last_seq survives purges, numbered_xmin is the shard's
-- watermark of transaction ids (rows older than it are all numbered).
CREATE TABLE outbox_shard_state (
    shard_epoch   integer NOT NULL REFERENCES outbox_shard_epoch (epoch),
    shard         integer NOT NULL,
    last_seq      bigint  NOT NULL DEFAULT 0,
    published_seq bigint  NOT NULL DEFAULT 0,
    purged_seq    bigint  NOT NULL DEFAULT 0,
    numbered_xmin xid8    NOT NULL DEFAULT '0',
    PRIMARY KEY (shard_epoch, shard)
);

-- seq is unique per stream: the legacy stream's by seq, a shard's by (shard_epoch, shard, seq).
CREATE UNIQUE INDEX outbox_event_legacy_seq ON outbox_event (seq) WHERE seq IS NOT NULL AND shard_epoch IS NULL;
DROP INDEX outbox_event_seq;
CREATE UNIQUE INDEX outbox_event_shard_seq ON outbox_event (shard_epoch, shard, seq) WHERE shard_epoch IS NOT NULL;
CREATE INDEX outbox_event_legacy_thread_seq ON outbox_event (thread_id, seq) WHERE seq IS NOT NULL AND shard_epoch IS NULL;
DROP INDEX outbox_event_thread_seq;
CREATE INDEX outbox_event_shard_thread_seq ON outbox_event (thread_id, shard_epoch, seq) WHERE shard_epoch IS NOT NULL;

-- Unnumbered rows by shard, then by writer transaction (the numbering's watermark); rows with no shard (to adopt).
CREATE INDEX outbox_event_unnumbered_shard ON outbox_event (shard, xid) WHERE seq IS NULL;
DROP INDEX outbox_event_unnumbered;
CREATE INDEX outbox_event_unsharded ON outbox_event (write_order) WHERE seq IS NULL AND shard IS NULL;

-- The legacy relay numbers nothing more: its watermark moves past every transaction id, so a replica of an older
-- version still running during the upgrade only publishes what it had numbered. Rows it would have numbered are
-- adopted into shards by the new relay.
UPDATE outbox_relay_state SET numbered_xmin = '18446744073709551615';
