-- Mention autocomplete (UserDirectoryService.findMentionableUsers): prefix search on lower(username), whatever the
-- database's collation (the unique index forum_user_username_key only serves equality there).
CREATE INDEX forum_user_username_prefix ON forum_user (lower(username) text_pattern_ops);
