-- Durable pushes: every envelope for users' connections is written here in the transaction that
-- stored what it announces, and published on <ns>:notify after the commit by PushRelay, in id order
-- (id order is commit order: writers take pg_advisory_xact_lock(PushOutbox.ORDER_LOCK_KEY) before
-- their first row). A row is deleted once Redis accepted it.
CREATE TABLE push_outbox (
    id             bigserial PRIMARY KEY,
    event_id       uuid        NOT NULL,
    type           text        NOT NULL,
    audience       text        NOT NULL,
    aggregate_type text        NOT NULL,
    aggregate_id   text        NOT NULL,
    user_id        bigint,
    thread_id      bigint,
    min_tier_cents integer,
    payload        jsonb       NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
