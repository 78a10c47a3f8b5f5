-- Followed-thread notifications are grouped: a user has at most ONE unread new_message notification per
-- thread, which collects every new message of the thread until it is read ("5 new messages in ... from
-- alice, bob and 3 others"); the next message after the read mark starts a new group (FanoutService).

ALTER TABLE notifications
    ADD COLUMN message_count integer     NOT NULL DEFAULT 1,
    ADD COLUMN authors       text[]      NOT NULL DEFAULT '{}',  -- a group's distinct authors, latest first
    ADD COLUMN updated_at    timestamptz,                        -- a group's latest message (else created_at)
    ADD COLUMN activity      bigint;                             -- list order and cursor: bumped by each message

-- The messages of each group (new_message notifications only): a message counts once per group whatever
-- happens to its event, and a deleted message leaves its group.
CREATE TABLE notification_group_messages (
    notification_id bigint NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    message_id      bigint NOT NULL,
    author_id       bigint,
    author_username text,
    author_role     text,
    PRIMARY KEY (notification_id, message_id)
);
CREATE INDEX notification_group_messages_message ON notification_group_messages (message_id);

-- The text of a group (its content): "@alice wrote in “T”" for one message, "5 new messages in “T” from alice, bob
-- and 3 others" for more. One definition for the writers (FanoutService, UnreadService) and this migration.
CREATE FUNCTION new_messages_text(message_count integer, authors text[], thread text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
SELECT CASE
    WHEN message_count = 1 THEN '@' || authors[1] || ' wrote in ' || thread
    ELSE message_count || ' new messages in ' || thread || ' from ' || CASE cardinality(authors)
        WHEN 1 THEN authors[1]
        WHEN 2 THEN authors[1] || ' and ' || authors[2]
        WHEN 3 THEN authors[1] || ', ' || authors[2] || ' and ' || authors[3]
        ELSE authors[1] || ', ' || authors[2] || ' and ' || (cardinality(authors) - 2) || ' others' END
END $$;

CREATE SEQUENCE notifications_activity_seq;
UPDATE notifications SET activity = id, updated_at = created_at;
SELECT setval('notifications_activity_seq', coalesce((SELECT max(id) FROM notifications), 0) + 1, false);
ALTER TABLE notifications
    ALTER COLUMN activity SET DEFAULT nextval('notifications_activity_seq'),
    ALTER COLUMN activity SET NOT NULL,
    ALTER COLUMN updated_at SET DEFAULT now(),
    ALTER COLUMN updated_at SET NOT NULL;
DROP INDEX notifications_user_page;
CREATE INDEX notifications_user_page ON notifications (user_id, activity DESC);

-- Existing new_message notifications become groups of one; a user's unread ones of a thread merge into the newest.
INSERT INTO notification_group_messages (notification_id, message_id, author_id, author_username, author_role)
SELECT id, message_id, actor_id, actor_username, actor_role FROM notifications
WHERE type = 'new_message' AND message_id IS NOT NULL;

CREATE TEMP TABLE group_merge AS
SELECT id, first_value(id) OVER (PARTITION BY user_id, thread_id ORDER BY id DESC) AS into_id
FROM notifications WHERE type = 'new_message' AND NOT is_read;
UPDATE notification_group_messages g SET notification_id = m.into_id
FROM group_merge m WHERE g.notification_id = m.id AND m.id <> m.into_id;
DELETE FROM notifications n USING group_merge m WHERE n.id = m.id AND m.id <> m.into_id;

UPDATE notifications n SET message_count = s.message_count, message_id = s.first_message, authors = s.authors
FROM (SELECT notification_id, count(*) AS message_count, min(message_id) AS first_message,
             array_agg(author_username ORDER BY message_id DESC) FILTER (WHERE author_username IS NOT NULL) AS authors
      FROM notification_group_messages GROUP BY notification_id) s
WHERE n.id = s.notification_id;
-- authors above may repeat a name: keep each name once, at its latest position.
UPDATE notifications SET authors = ARRAY(SELECT a FROM unnest(authors) WITH ORDINALITY AS x (a, i)
                                         GROUP BY a ORDER BY min(i))
WHERE type = 'new_message' AND cardinality(authors) > 1;
UPDATE notifications n SET title = 'New messages',
    content = new_messages_text(n.message_count, n.authors, '“' || t.title || '”')
FROM group_merge m, threads t WHERE n.id = m.into_id AND n.message_count > 1 AND t.id = n.thread_id;
DROP TABLE group_merge;

CREATE UNIQUE INDEX notifications_open_group ON notifications (user_id, thread_id)
    WHERE type = 'new_message' AND NOT is_read;
