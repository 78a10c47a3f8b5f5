-- A thread's message_count and last_activity_at are no longer updated by the post's transaction (whose row lock made
-- every post to a thread wait for the previous one's commit): the relay folds them in when it numbers the events
-- (OutboxNumbering). message_delta is what an event does to its thread's message_count: +1 for a post's new_message,
-- minus the deleted messages for messages_deleted, 0 for every other event (and for the first message of a new
-- thread, whose row is inserted already counting it). Rows written before this version are already counted: 0.
ALTER TABLE outbox_event ADD COLUMN message_delta integer NOT NULL DEFAULT 0;
