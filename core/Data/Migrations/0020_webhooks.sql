-- Each team's Resend webhook endpoint. public_id is the unguessable part of the URL (192 random bits, never a
-- team or user id); rotating it changes only public_id, so the row id that binds the encrypted secret stays.
CREATE TABLE webhook_endpoints (
    id                       uuid        PRIMARY KEY,
    team_id                  uuid        NOT NULL UNIQUE REFERENCES teams (id) ON DELETE CASCADE,
    public_id                text        NOT NULL UNIQUE,
    -- SecretCipher envelope (purpose webhook_signing_secret, bound to team_id and id); NULL = unverified mode.
    encrypted_signing_secret text        NULL,
    created_at               timestamptz NOT NULL,
    updated_at               timestamptz NOT NULL
);

-- Every webhook received, of every type, stored before it is folded into the email it names.
CREATE TABLE webhook_events (
    id              bigserial   PRIMARY KEY,
    team_id         uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    endpoint_id     uuid        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    svix_id         text        NOT NULL,
    type            text        NOT NULL,
    verified        boolean     NOT NULL,
    -- data.email_id of email.* events: Resend's id, matched against emails.resend_id of the same team.
    resend_email_id text        NULL,
    occurred_at     timestamptz NULL,
    payload         jsonb       NOT NULL,
    received_at     timestamptz NOT NULL,
    -- Set once the event has been applied to its email; events that arrive before the send recorded
    -- resend_id stay NULL and are folded again by the reconcile timer.
    folded_at       timestamptz NULL
);
-- Svix retries carry the same svix-id: a second copy, even a concurrent one, inserts nothing.
CREATE UNIQUE INDEX webhook_events_endpoint_svix_key ON webhook_events (endpoint_id, svix_id);
CREATE INDEX webhook_events_unfolded_idx ON webhook_events (received_at) WHERE folded_at IS NULL AND resend_email_id IS NOT NULL AND verified;
CREATE INDEX webhook_events_team_received_idx ON webhook_events (team_id, received_at DESC);

-- Addresses a team no longer sends to: permanent bounces and complaints (or removed by hand).
CREATE TABLE suppressions (
    team_id    uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    address    text        NOT NULL,
    reason     text        NOT NULL CHECK (reason IN ('bounced', 'complained')),
    detail     text        NULL,
    email_id   uuid        NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (team_id, address)
);

-- When the reconcile timer last asked Resend about an email stuck in 'sent', so it asks at most once per run interval.
ALTER TABLE emails ADD COLUMN delivery_checked_at timestamptz NULL;
CREATE INDEX emails_stuck_sent_idx ON emails (sent_at) WHERE status = 'sent' AND resend_id IS NOT NULL;
