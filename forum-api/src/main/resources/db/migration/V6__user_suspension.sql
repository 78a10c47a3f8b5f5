-- Admin suspension (docs/http-api.md, Accounts): while set, the user cannot log in and no session resolves.
ALTER TABLE forum_user ADD COLUMN suspended_at timestamptz;
