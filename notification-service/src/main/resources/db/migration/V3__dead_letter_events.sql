-- Poison events: an event whose processing failed notify.consumer.max-attempts times (for a reason
-- that is not a database outage) is recorded here and the consumer moves past it.
CREATE TABLE dead_letter_events (
    consumer_id   text        NOT NULL,
    event_id      uuid        NOT NULL,
    seq           bigint,
    type          text        NOT NULL,
    error         text        NOT NULL,
    payload       jsonb       NOT NULL,   -- the whole envelope as the feed served it
    attempts      integer     NOT NULL,
    first_failure timestamptz NOT NULL,
    last_failure  timestamptz NOT NULL,
    PRIMARY KEY (consumer_id, event_id)
);
CREATE INDEX dead_letter_events_last_failure ON dead_letter_events (last_failure DESC);
