-- A webhook pipe signs its posts (Standard Webhooks) with its own whsec_ secret, stored as a SecretCipher envelope.
ALTER TABLE pipes ADD COLUMN signing_secret text NULL;
-- Creation order: created_at ties (one clock tick, or instances' clocks) are broken by insertion order.
ALTER TABLE pipes ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;

-- The processed marker: one row per (received email, pipe), claimed in Postgres, so each email is processed by each
-- pipe exactly once across instances. Also the run log (GET /api/pipes/{id}/runs) and the retry queue.
CREATE TABLE pipe_runs (
    id                uuid        PRIMARY KEY,
    team_id           uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    pipe_id           uuid        NOT NULL REFERENCES pipes (id) ON DELETE CASCADE,
    received_email_id uuid        NOT NULL REFERENCES received_emails (id) ON DELETE CASCADE,
    -- Copied for the claim's order: emails in creation order, each email's pipes in creation order.
    email_seq         bigint      NOT NULL,
    pipe_seq          bigint      NOT NULL,
    status            text        NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'skipped', 'unmatched')),
    attempts          integer     NOT NULL DEFAULT 0,
    next_attempt_at   timestamptz NOT NULL,
    lease_until       timestamptz NULL,
    detail            text        NULL,
    last_error        text        NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    completed_at      timestamptz NULL,
    UNIQUE (pipe_id, received_email_id)
);
CREATE INDEX pipe_runs_due_idx ON pipe_runs (email_seq, pipe_seq) WHERE status = 'pending';
CREATE INDEX pipe_runs_team_pipe_idx ON pipe_runs (team_id, pipe_id, created_at DESC, id DESC);
-- Enqueueing looks for fetched mail newer than the pipe without a marker yet.
CREATE INDEX received_emails_fetched_created_idx ON received_emails (created_at) WHERE content_state = 'fetched';

-- auto_reply sends at most one reply per sender per pipe per 24 hours; the run that holds the slot may retry.
CREATE TABLE pipe_auto_replies (
    team_id  uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    pipe_id  uuid        NOT NULL REFERENCES pipes (id) ON DELETE CASCADE,
    address  text        NOT NULL,
    run_id   uuid        NOT NULL,
    sent_at  timestamptz NOT NULL,
    PRIMARY KEY (pipe_id, address)
);
