-- Issue 14: forum-api numbers events per shard. Each (shard_epoch, shard) is a gap-free stream of its own
-- (shards 0..N-1 for threads, -1 for the forum shard), and the consumer keeps one cursor per stream here.
-- consumer_cursor keeps the position in the legacy global stream (events written before sharding), which
-- the consumer finishes before it reads the shards.
CREATE TABLE consumer_shard_cursor (
    consumer_id text        NOT NULL,
    shard_epoch integer     NOT NULL,
    shard       integer     NOT NULL,
    last_seq    bigint      NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_id, shard_epoch, shard)
);

-- A dead letter's seq is a position in its stream: null shard = the legacy global stream.
ALTER TABLE dead_letter_events ADD COLUMN shard_epoch integer, ADD COLUMN shard integer;
