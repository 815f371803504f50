-- Append-only record of security-relevant actions. Written in the same transaction as the change it
-- records; no route updates or deletes rows (only the retention timer removes old ones). No foreign
-- keys: the record outlives the user, key or team it names. `details` never holds a secret.
CREATE TABLE audit_events (
    id               uuid        PRIMARY KEY,
    -- The team the action happened in; null for account-level events (login, password).
    team_id          uuid        NULL,
    -- Who acted (null when nobody is known, e.g. a failed login for an unknown address).
    actor_user_id    uuid        NULL,
    -- The mk_ key that acted, when a key rather than a session did.
    actor_api_key_id uuid        NULL,
    -- The account the event concerns (shown to that user by GET /api/auth/audit).
    subject_user_id  uuid        NULL,
    action           text        NOT NULL,
    target_type      text        NULL,
    target_id        text        NULL,
    client_address   text        NULL,
    details          jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at       timestamptz NOT NULL
);
CREATE INDEX audit_events_team_created_idx ON audit_events (team_id, created_at DESC, id DESC) WHERE team_id IS NOT NULL;
CREATE INDEX audit_events_subject_created_idx ON audit_events (subject_user_id, created_at DESC, id DESC) WHERE subject_user_id IS NOT NULL;
CREATE INDEX audit_events_created_idx ON audit_events (created_at);
