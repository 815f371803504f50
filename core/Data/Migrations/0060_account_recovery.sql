-- Account recovery and verification (issue 12 part 2).

-- Set when the user proved they read mail at their address (verification link or password reset).
-- Null for accounts that never did, including every account created before this migration: they can
-- ask for a link with POST /api/auth/verify/request.
ALTER TABLE users ADD COLUMN email_verified_at timestamptz NULL;

-- Single-use tokens mailed to the account's address. Only the SHA-256 of a token is stored; using a
-- token deletes its row, so it cannot be used twice.
CREATE TABLE account_tokens (
    token_hash bytea       PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    text        NOT NULL CHECK (purpose IN ('password_reset', 'email_verification')),
    -- The address the token was mailed to: a verification counts only while the account still has it.
    email      text        NOT NULL,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX account_tokens_user_purpose_idx ON account_tokens (user_id, purpose);
CREATE INDEX account_tokens_expires_at_idx ON account_tokens (expires_at);

-- Moosermail's own mail (operator mail), sent with MOOSERMAIL_SYSTEM_RESEND_KEY. A separate outbox
-- because the team outbox (emails, outbox_jobs) is tenant data owned by a team; this mail belongs to
-- no team. Same contract: a row first, then the Resend call with Idempotency-Key = the row id, retried
-- by a timer with a lease. The payload carries a single-use link, so it is stored encrypted
-- (SecretCipher, bound to the row) and dropped once Resend has accepted the mail.
CREATE TABLE operator_mail (
    id              uuid        PRIMARY KEY,
    kind            text        NOT NULL,
    to_address      text        NOT NULL,
    payload         text        NULL,
    status          text        NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz NULL,
    resend_id       text        NULL,
    last_error      text        NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX operator_mail_due_idx ON operator_mail (next_attempt_at) WHERE status = 'queued';
CREATE INDEX operator_mail_created_idx ON operator_mail (created_at);
