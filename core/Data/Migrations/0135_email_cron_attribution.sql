-- Which cron job sent an email, shown in the send log (GET /api/emails, send_log). The name is kept as it was at
-- send time, so the log still says which job sent it after the job is renamed or deleted; no foreign key for the
-- same reason (and so deleting a job never scans the emails). Nullable without a default: no table rewrite.
ALTER TABLE emails
    ADD COLUMN cron_job_id uuid NULL,
    ADD COLUMN cron_name   text NULL;
