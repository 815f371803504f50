-- Resend events are folded into their emails after the webhook is answered (issue 15). An event stored with a fold
-- waits here until WebhookFoldWorker claims it (DELETE ... RETURNING: exactly one folder gets it). Such an event is
-- stored with folded_at already set, so the fold never rewrites the wide webhook_events row (an update there is never
-- HOT: folded_at is in two index predicates, so every fold used to add a row version and five index entries).
-- folded_at IS NULL now means "left to the reconcile timer": the worker found no email for it yet, or the timer took
-- it back from a worker that never came (a stopped instance).
CREATE TABLE webhook_fold_queue (
    event_id  bigint      PRIMARY KEY,
    queued_at timestamptz NOT NULL
);
