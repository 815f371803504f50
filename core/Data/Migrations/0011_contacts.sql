-- A team's address book: added by hand, imported from CSV, or collected from sends.
CREATE TABLE contacts (
    id           uuid        PRIMARY KEY,
    team_id      uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    -- Stored lower-cased, so uniqueness per team is case-insensitive.
    email        text        NOT NULL CHECK (email = lower(email)),
    name         text        NULL,
    tags         text[]      NOT NULL DEFAULT '{}',
    properties   jsonb       NOT NULL DEFAULT '{}',
    unsubscribed boolean     NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
-- Also the keyset for pagination (lists are ordered by email).
CREATE UNIQUE INDEX contacts_team_id_email_key ON contacts (team_id, email);
CREATE INDEX contacts_tags_idx ON contacts USING gin (tags);
