-- Outbound webhooks: the team's own app subscribes to Moosermail events and receives them signed per Standard
-- Webhooks. The secret is a SecretCipher envelope (purpose outbound_webhook_secret, bound to team_id and id); after a
-- rotation the previous one is kept, still encrypted, until previous_secret_expires_at, and both sign meanwhile.
CREATE TABLE outbound_webhook_endpoints (
    id                         uuid        PRIMARY KEY,
    team_id                    uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    url                        text        NOT NULL,
    events                     text[]      NOT NULL,
    description                text        NOT NULL DEFAULT '',
    enabled                    boolean     NOT NULL,
    encrypted_secret           text        NOT NULL,
    encrypted_previous_secret  text        NULL,
    previous_secret_expires_at timestamptz NULL,
    -- Set when deliveries keep failing; the dispatcher disables the endpoint after 5 days of it.
    failing_since              timestamptz NULL,
    disabled_reason            text        NULL,
    created_at                 timestamptz NOT NULL,
    updated_at                 timestamptz NOT NULL
);
CREATE INDEX outbound_webhook_endpoints_team_idx ON outbound_webhook_endpoints (team_id, created_at);

-- One row per event a subscribed endpoint wants, written in the transaction of the change (or by the fan-out of
-- stored Resend events); payload is the exact JSON body posted.
CREATE TABLE outbound_webhook_events (
    id         uuid        PRIMARY KEY,
    team_id    uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    type       text        NOT NULL,
    payload    text        NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX outbound_webhook_events_created_idx ON outbound_webhook_events (created_at);

-- The delivery outbox: one row per endpoint x event. Its id is the webhook-id the receiver sees (constant across
-- retries). Claimed with FOR UPDATE SKIP LOCKED and a lease, so two instances never post the same attempt.
CREATE TABLE outbound_webhook_deliveries (
    id                 uuid        PRIMARY KEY,
    team_id            uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    endpoint_id        uuid        NOT NULL REFERENCES outbound_webhook_endpoints (id) ON DELETE CASCADE,
    event_id           uuid        NOT NULL REFERENCES outbound_webhook_events (id) ON DELETE CASCADE,
    status             text        NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts           integer     NOT NULL DEFAULT 0,
    next_attempt_at    timestamptz NULL,
    lease_until        timestamptz NULL,
    last_attempt_at    timestamptz NULL,
    last_response_code integer     NULL,
    last_latency_ms    integer     NULL,
    last_error         text        NULL,
    delivered_at       timestamptz NULL,
    created_at         timestamptz NOT NULL,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX outbound_webhook_deliveries_due_idx ON outbound_webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbound_webhook_deliveries_endpoint_idx ON outbound_webhook_deliveries (endpoint_id, created_at DESC);

-- Stored, verified Resend events become email.* events by the outbound dispatcher, after the fold and outside the
-- ingest request. Events stored before this migration are not replayed.
ALTER TABLE webhook_events ADD COLUMN outbound_fanned_at timestamptz NULL;
UPDATE webhook_events SET outbound_fanned_at = received_at;
CREATE INDEX webhook_events_outbound_pending_idx ON webhook_events (id) WHERE outbound_fanned_at IS NULL AND folded_at IS NOT NULL AND verified;
