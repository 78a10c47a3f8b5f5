-- Users and sessions
CREATE TABLE forum_user (
    id            bigserial PRIMARY KEY,
    username      varchar(32)  NOT NULL,
    display_name  varchar(64)  NOT NULL,
    password_hash varchar(100) NOT NULL,
    role          varchar(16)  NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'moderator', 'admin')),
    tier_cents    integer      NOT NULL DEFAULT 0 CHECK (tier_cents >= 0),
    created_at    timestamptz  NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX forum_user_username_key ON forum_user (lower(username));

CREATE TABLE user_session (
    id         bigserial PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES forum_user (id) ON DELETE CASCADE,
    token_hash varchar(64) NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX user_session_user ON user_session (user_id);

-- Threads, messages, likes, follows
CREATE TABLE forum_thread (
    id                bigserial PRIMARY KEY,
    title             varchar(200) NOT NULL,
    user_id           bigint       NOT NULL REFERENCES forum_user (id),
    min_tier_cents    integer      NOT NULL DEFAULT 0 CHECK (min_tier_cents >= 0),
    is_pinned         boolean      NOT NULL DEFAULT false,
    is_locked         boolean      NOT NULL DEFAULT false,
    parent_thread_id  bigint REFERENCES forum_thread (id),
    parent_message_id bigint,
    message_count     integer      NOT NULL DEFAULT 0,
    last_activity_at  timestamptz  NOT NULL,
    created_at        timestamptz  NOT NULL,
    deleted_at        timestamptz
);
CREATE INDEX forum_thread_listing ON forum_thread (is_pinned DESC, last_activity_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX forum_thread_parent ON forum_thread (parent_thread_id) WHERE parent_thread_id IS NOT NULL;

CREATE TABLE forum_message (
    id                   bigserial PRIMARY KEY,
    thread_id            bigint      NOT NULL REFERENCES forum_thread (id),
    user_id              bigint      NOT NULL REFERENCES forum_user (id),
    content              text        NOT NULL,
    content_html         text        NOT NULL,
    reply_to_id          bigint REFERENCES forum_message (id) ON DELETE CASCADE,
    like_count           integer     NOT NULL DEFAULT 0,
    spawned_thread_count integer     NOT NULL DEFAULT 0,
    edited_at            timestamptz,
    created_at           timestamptz NOT NULL
);
CREATE INDEX forum_message_thread ON forum_message (thread_id, id);
CREATE INDEX forum_message_reply ON forum_message (reply_to_id) WHERE reply_to_id IS NOT NULL;
ALTER TABLE forum_thread ADD CONSTRAINT forum_thread_parent_message_fk
    FOREIGN KEY (parent_message_id) REFERENCES forum_message (id) ON DELETE SET NULL;

CREATE TABLE message_like (
    message_id bigint      NOT NULL REFERENCES forum_message (id) ON DELETE CASCADE,
    user_id    bigint      NOT NULL REFERENCES forum_user (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (message_id, user_id)
);

CREATE TABLE thread_follow (
    thread_id  bigint      NOT NULL REFERENCES forum_thread (id),
    user_id    bigint      NOT NULL REFERENCES forum_user (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (thread_id, user_id)
);

-- Moderation of @everyone
CREATE TABLE everyone_setting (
    id         smallint PRIMARY KEY CHECK (id = 1),
    enabled    boolean NOT NULL,
    changed_by bigint REFERENCES forum_user (id),
    changed_at timestamptz
);
INSERT INTO everyone_setting (id, enabled) VALUES (1, true);

CREATE TABLE everyone_restriction (
    user_id       bigint PRIMARY KEY REFERENCES forum_user (id) ON DELETE CASCADE,
    reason        varchar(500) NOT NULL,
    until         timestamptz,
    restricted_by bigint       NOT NULL REFERENCES forum_user (id),
    created_at    timestamptz  NOT NULL DEFAULT now()
);

-- The transactional outbox (see OutboxRelay for how seq is assigned)
CREATE TABLE outbox_event (
    id             uuid PRIMARY KEY,
    aggregate_type varchar(32) NOT NULL,
    aggregate_id   varchar(64) NOT NULL,
    type           varchar(64) NOT NULL,
    audience       varchar(16) NOT NULL,
    thread_id      bigint,
    user_id        bigint,
    min_tier_cents integer,
    payload        jsonb       NOT NULL,
    committed_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    write_order    bigserial   NOT NULL,
    seq            bigint,
    published_at   timestamptz
);
CREATE UNIQUE INDEX outbox_event_seq_key ON outbox_event (seq);
CREATE INDEX outbox_event_unpublished ON outbox_event (committed_at, write_order) WHERE published_at IS NULL;
CREATE INDEX outbox_event_thread_seq ON outbox_event (thread_id, seq) WHERE seq IS NOT NULL;

-- The last seq the relay handed out: its row lock serialises seq assignment, and it survives purges.
CREATE TABLE outbox_relay_state (
    id       smallint PRIMARY KEY CHECK (id = 1),
    last_seq bigint NOT NULL
);
INSERT INTO outbox_relay_state (id, last_seq) VALUES (1, 0);
