-- notification-service owns this schema (database forum_notify). Everything but notifications is
-- a projection rebuilt from forum-api's events.

-- Durable consumption: where each consumer stands in forum-api's event feed.
CREATE TABLE consumer_cursor (
    consumer_id text PRIMARY KEY,
    last_seq    bigint      NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Idempotency: one row per handled event, inserted in the transaction of its side effects.
CREATE TABLE processed_events (
    consumer_id  text        NOT NULL,
    event_id     uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_id, event_id)
);
CREATE INDEX processed_events_processed_at ON processed_events (processed_at);

-- Projections.
CREATE TABLE users (
    id             bigint PRIMARY KEY,
    username       text    NOT NULL,      -- lowercased: mentions match case-insensitively
    display_name   text,
    role           text    NOT NULL,      -- member | moderator | admin
    tier_cents     integer NOT NULL DEFAULT 0
);
CREATE INDEX users_username ON users (username);
CREATE INDEX users_staff ON users (id) WHERE role <> 'member';

CREATE TABLE threads (
    id               bigint PRIMARY KEY,
    title            text    NOT NULL DEFAULT '',
    min_tier_cents   integer NOT NULL DEFAULT 0,
    deleted          boolean NOT NULL DEFAULT false,
    parent_thread_id bigint
);

CREATE TABLE thread_followers (
    thread_id bigint NOT NULL,
    user_id   bigint NOT NULL,
    PRIMARY KEY (thread_id, user_id)
);

-- Messages: their author and thread (message_edited and reply_to need them).
CREATE TABLE messages (
    id        bigint PRIMARY KEY,
    thread_id bigint NOT NULL,
    user_id   bigint NOT NULL
);

-- The @everyone kill switch: one row.
CREATE TABLE everyone_switch (
    id         smallint PRIMARY KEY CHECK (id = 1),
    disabled   boolean     NOT NULL DEFAULT false,
    message    text,
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO everyone_switch (id, disabled) VALUES (1, false);

CREATE TABLE everyone_restrictions (
    user_id bigint PRIMARY KEY,
    reason  text,
    until   timestamptz          -- null: until lifted
);

-- Who a message already mentioned (so that an edit notifies only the newly mentioned).
CREATE TABLE message_mentions (
    message_id bigint NOT NULL,
    user_id    bigint NOT NULL,
    PRIMARY KEY (message_id, user_id)
);

-- Messages whose @everyone already went out (or was refused): an edit never repeats it.
CREATE TABLE message_everyone (
    message_id bigint PRIMARY KEY,
    sent       boolean NOT NULL
);

-- Notifications, owned here.
CREATE TABLE notifications (
    id             bigserial PRIMARY KEY,
    user_id        bigint      NOT NULL,
    type           text        NOT NULL,
    title          text        NOT NULL,
    content        text        NOT NULL,
    thread_id      bigint,
    message_id     bigint,
    actor_id       bigint,
    actor_username text,
    actor_role     text,
    is_read        boolean     NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_user_page ON notifications (user_id, id DESC);
CREATE INDEX notifications_user_unread ON notifications (user_id, thread_id) WHERE NOT is_read;
CREATE INDEX notifications_message_user ON notifications (message_id, user_id);
