-- Per-trigger rate limit (rate_limit_per_minute): fires counted per trigger and minute, shared by every instance.
CREATE TABLE trigger_fire_windows (
    trigger_id   uuid        NOT NULL REFERENCES triggers (id) ON DELETE CASCADE,
    window_start timestamptz NOT NULL,
    fires        integer     NOT NULL,
    PRIMARY KEY (trigger_id, window_start)
);
