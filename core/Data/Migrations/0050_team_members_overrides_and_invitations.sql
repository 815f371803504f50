-- Per-member permission overrides on top of the role's default set: effective = (role defaults ∪ granted)
-- minus revoked, computed per request (owners always hold every permission). Empty arrays = the role's set.
ALTER TABLE team_members
    ADD COLUMN granted text[] NOT NULL DEFAULT '{}',
    ADD COLUMN revoked text[] NOT NULL DEFAULT '{}';

-- Invitations into a team. Only the SHA-256 of the token is stored; the token is shown once. Single use:
-- accepted_at or revoked_at set means spent; expires_at bounds the rest.
CREATE TABLE team_invitations (
    id          uuid        PRIMARY KEY,
    team_id     uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    email       text        NOT NULL,
    role        text        NOT NULL CHECK (role IN ('admin', 'member')),
    granted     text[]      NOT NULL DEFAULT '{}',
    revoked     text[]      NOT NULL DEFAULT '{}',
    token_hash  bytea       NOT NULL,
    invited_by  uuid        NULL REFERENCES users (id) ON DELETE SET NULL,
    expires_at  timestamptz NOT NULL,
    created_at  timestamptz NOT NULL,
    accepted_at timestamptz NULL,
    accepted_by uuid        NULL REFERENCES users (id) ON DELETE SET NULL,
    revoked_at  timestamptz NULL
);
CREATE UNIQUE INDEX team_invitations_token_hash_key ON team_invitations (token_hash);
CREATE INDEX team_invitations_team_id_idx ON team_invitations (team_id, created_at DESC);
CREATE INDEX team_invitations_pending_email_idx ON team_invitations (lower(email)) WHERE accepted_at IS NULL AND revoked_at IS NULL;
CREATE INDEX team_invitations_expires_at_idx ON team_invitations (expires_at);
