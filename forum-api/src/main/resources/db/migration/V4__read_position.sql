-- Where each user stopped reading each thread (ReadPosition): the thread view opens at the first message after it.
CREATE TABLE thread_read_position (
    user_id              bigint      NOT NULL REFERENCES forum_user (id) ON DELETE CASCADE,
    thread_id            bigint      NOT NULL REFERENCES forum_thread (id),
    last_read_message_id bigint      NOT NULL,
    updated_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, thread_id)
);
