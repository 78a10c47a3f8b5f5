-- Image attachments (docs/http-api.md, Uploads): the cleaned bytes of each uploaded image and what the server
-- serves with them. Immutable once written; the id is random (a UUID), so it is not guessable.
CREATE TABLE forum_upload (
    id           uuid        PRIMARY KEY,
    uploader_id  bigint      NOT NULL REFERENCES forum_user (id),
    content_type varchar(32) NOT NULL,
    bytes        bytea       NOT NULL,
    sha256       char(64)    NOT NULL,
    size_bytes   integer     NOT NULL,
    width        integer     NOT NULL,
    height       integer     NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX forum_upload_uploader_idx ON forum_upload (uploader_id, created_at);
