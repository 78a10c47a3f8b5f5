-- Full-text search (SearchService): a tsvector maintained by PostgreSQL itself (a stored generated column, so
-- every insert and edit updates it in the same statement) and a GIN index, on message text and thread titles.
-- The text search configuration is 'english' here and in SearchService (stemming, stop words); both must agree.
ALTER TABLE forum_message
    ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, content)) STORED;
CREATE INDEX forum_message_search ON forum_message USING gin (search_vector);

ALTER TABLE forum_thread
    ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, title)) STORED;
CREATE INDEX forum_thread_search ON forum_thread USING gin (search_vector);
