-- A sub-thread is readable only while its whole parent chain is (docs/security.md, 3). From now on forum-api keeps
-- each sub-thread's tier >= its parent's and deletes sub-threads with their parent; this fixes older rows once.
WITH RECURSIVE chain AS (
    SELECT id, min_tier_cents AS tier, deleted_at FROM forum_thread WHERE parent_thread_id IS NULL
    UNION ALL
    SELECT t.id, greatest(t.min_tier_cents, c.tier), coalesce(t.deleted_at, c.deleted_at)
    FROM forum_thread t JOIN chain c ON t.parent_thread_id = c.id)
UPDATE forum_thread f SET min_tier_cents = chain.tier, deleted_at = chain.deleted_at
FROM chain
WHERE f.id = chain.id AND (f.min_tier_cents <> chain.tier OR f.deleted_at IS DISTINCT FROM chain.deleted_at);
