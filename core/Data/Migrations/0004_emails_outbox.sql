-- The send log: one row per email, from acceptance to its last delivery event.
CREATE TABLE emails (
    id            uuid        PRIMARY KEY,
    team_id       uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    sender_id     uuid        NULL REFERENCES senders (id) ON DELETE SET NULL,
    from_address  text        NOT NULL,
    to_addresses  text[]      NOT NULL,
    subject       text        NOT NULL,
    status        text        NOT NULL CHECK (status IN ('queued', 'scheduled', 'sending', 'sent', 'delivered', 'delivery_delayed',
                                                         'opened', 'clicked', 'bounced', 'complained', 'failed', 'canceled', 'suppressed')),
    -- The Resend request body (attachments are dropped once Resend has accepted the email).
    payload       jsonb       NOT NULL,
    tags          text[]      NOT NULL DEFAULT '{}',
    scheduled_at  timestamptz NULL,
    resend_id     text        NULL,
    attempts      integer     NOT NULL DEFAULT 0,
    last_error    text        NULL,
    template_id   uuid        NULL,
    trigger_id    uuid        NULL,
    opened_count  integer     NOT NULL DEFAULT 0,
    clicked_count integer     NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    sent_at       timestamptz NULL
);
CREATE INDEX emails_team_created_idx ON emails (team_id, created_at DESC, id DESC);
CREATE INDEX emails_team_status_idx ON emails (team_id, status);
CREATE UNIQUE INDEX emails_resend_id_key ON emails (resend_id) WHERE resend_id IS NOT NULL;

-- The outbox: units of work for Resend (one email, or a batch of up to 100). A job exists only while its
-- emails wait to be sent; its id is the Idempotency-Key Resend sees, so a retry can never send twice.
CREATE TABLE outbox_jobs (
    id              uuid        PRIMARY KEY,
    team_id         uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    sender_id       uuid        NOT NULL,
    email_ids       uuid[]      NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    -- Set while an instance sends the job; a crashed instance's lease runs out and another takes over.
    lease_until     timestamptz NULL,
    created_at      timestamptz NOT NULL
);
CREATE INDEX outbox_jobs_due_idx ON outbox_jobs (next_attempt_at);

-- The timeline of each email: our own steps and every Resend event.
CREATE TABLE email_events (
    id          bigserial   PRIMARY KEY,
    email_id    uuid        NOT NULL REFERENCES emails (id) ON DELETE CASCADE,
    team_id     uuid        NOT NULL,
    type        text        NOT NULL,
    detail      text        NULL,
    occurred_at timestamptz NOT NULL
);
CREATE INDEX email_events_email_id_idx ON email_events (email_id, occurred_at);

-- Idempotency-Key of POST /api/send and /api/send/batch, kept 24 h.
CREATE TABLE idempotency_keys (
    team_id       uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    scope         text        NOT NULL,
    key           text        NOT NULL,
    request_hash  bytea       NOT NULL,
    response_code integer     NULL,
    response_body text        NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (team_id, scope, key)
);

-- Pacing of calls to Resend, per sender, shared by every instance: each call takes the next free slot.
CREATE TABLE resend_pacing (
    sender_id    uuid        PRIMARY KEY,
    next_slot_at timestamptz NOT NULL,
    interval_ms  integer     NOT NULL
);
