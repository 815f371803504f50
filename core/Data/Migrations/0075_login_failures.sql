-- Failed logins per account name, whether or not an account has that email (so the throttle answers the
-- same for both). The key is the SHA-256 of the trimmed, lower-cased email: guesses of strangers' addresses
-- are not kept in clear. blocked_until is when the next attempt may be made; rows idle for a day are
-- deleted by the cleanup timer (a stale count starts again from zero).
CREATE TABLE login_failures (
    account_key     bytea       PRIMARY KEY,
    failures        integer     NOT NULL,
    blocked_until   timestamptz NULL,
    last_failure_at timestamptz NOT NULL
);
CREATE INDEX login_failures_last_failure_at_idx ON login_failures (last_failure_at);
