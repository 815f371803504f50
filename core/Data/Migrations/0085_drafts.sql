-- Drafts stored on the server (the dashboard, the CLI and MCP's write_draft share them). A draft may be
-- incomplete; it is checked in full when sent. Sending marks it sent in the same transaction that accepts the
-- email, so two concurrent sends of one draft give one email; a sent draft can no longer change.
CREATE TABLE drafts (
    id                uuid        PRIMARY KEY,
    team_id           uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    created_by        uuid        NULL REFERENCES users (id) ON DELETE SET NULL,
    from_address      text        NULL,
    to_addresses      text[]      NOT NULL DEFAULT '{}',
    cc_addresses      text[]      NOT NULL DEFAULT '{}',
    bcc_addresses     text[]      NOT NULL DEFAULT '{}',
    subject           text        NOT NULL DEFAULT '',
    text_body         text        NULL,
    html_body         text        NULL,
    -- A reply draft: the received email it answers (a received_emails id of the same team).
    reply_to_inbox_id uuid        NULL,
    sent_email_id     uuid        NULL REFERENCES emails (id) ON DELETE SET NULL,
    sent_at           timestamptz NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);
CREATE INDEX drafts_team_updated_idx ON drafts (team_id, updated_at DESC, id DESC);
