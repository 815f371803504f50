-- Cron sends: a team's template sent on a 5-field cron schedule in an IANA zone. template_id has no foreign key
-- on purpose: deleting a template a job uses is allowed, and the job's next run records a failed run instead.
CREATE TABLE cron_jobs (
    id              uuid        PRIMARY KEY,
    team_id         uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name            text        NOT NULL,
    template_id     uuid        NOT NULL,
    to_addresses    text[]      NULL,
    to_tag          text        NULL,
    variables       jsonb       NOT NULL DEFAULT '{}',
    from_address    text        NULL,
    cron_expression text        NOT NULL,
    timezone        text        NOT NULL,
    enabled         boolean     NOT NULL,
    -- The next slot (UTC) the timer will run; NULL while disabled or when the expression never fires again.
    next_run_at     timestamptz NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CHECK ((to_addresses IS NULL) <> (to_tag IS NULL))
);
CREATE INDEX cron_jobs_team_id_idx ON cron_jobs (team_id, created_at);
-- The timer's scan: enabled jobs that are due.
CREATE INDEX cron_jobs_next_run_at_idx ON cron_jobs (next_run_at) WHERE enabled;

-- One row per (job, slot): the primary key is the claim. Two instances inserting the same slot insert one row
-- (INSERT ... ON CONFLICT DO NOTHING); the one that inserted it runs the slot. Missed slots are rows too (skipped).
CREATE TABLE cron_runs (
    job_id             uuid        NOT NULL REFERENCES cron_jobs (id) ON DELETE CASCADE,
    slot               timestamptz NOT NULL,
    team_id            uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    -- claimed (running, or interrupted and retaken later), sent, failed, skipped
    status             text        NOT NULL,
    email_ids          uuid[]      NOT NULL DEFAULT '{}',
    -- Recipients not sent to (unsubscribed or suppressed) and, on a run after downtime, the slots it stands for.
    skipped_recipients integer     NOT NULL DEFAULT 0,
    missed_slots       integer     NOT NULL DEFAULT 0,
    error              text        NULL,
    claimed_at         timestamptz NOT NULL,
    finished_at        timestamptz NULL,
    PRIMARY KEY (job_id, slot)
);
CREATE INDEX cron_runs_team_id_job_id_slot_idx ON cron_runs (team_id, job_id, slot DESC);
-- Interrupted claims are retaken by age; old runs are pruned by slot.
CREATE INDEX cron_runs_claimed_idx ON cron_runs (claimed_at) WHERE status = 'claimed';
CREATE INDEX cron_runs_slot_idx ON cron_runs (slot);
