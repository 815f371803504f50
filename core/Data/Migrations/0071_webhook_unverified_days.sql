-- Events an endpoint in unverified mode (no signing secret) stored per UTC day, so the count is capped atomically
-- on every instance. Rows for past days are deleted by the retention timer.
CREATE TABLE webhook_unverified_days (
    endpoint_id uuid    NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    day         date    NOT NULL,
    events      integer NOT NULL,
    PRIMARY KEY (endpoint_id, day)
);

-- The retention timer deletes events by age, separately for verified and unverified ones.
CREATE INDEX webhook_events_verified_received_idx ON webhook_events (verified, received_at);
