-- Per-client request limits shared by every instance (the app scales out, so counters in memory would
-- multiply the limit by the instance count). One row per (class, client IP): a token bucket kept as its
-- "theoretical arrival time" (GCRA). A row whose tat has passed is a full bucket, the same as no row,
-- so the cleanup timer may delete it at any time.
CREATE TABLE rate_limits (
    key          text        PRIMARY KEY,
    tat          timestamptz NOT NULL,
    last_allowed boolean     NOT NULL
);
CREATE INDEX rate_limits_tat_idx ON rate_limits (tat);
