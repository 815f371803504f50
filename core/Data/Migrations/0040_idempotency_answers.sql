-- A keyed request now stores core's answer (the JSON of its result record: a send, a batch, a trigger fire),
-- not an HTTP response: functions/ maps the answer to a status on every replay exactly as on the first
-- request, so core names no status code. The success bodies stored so far already are those records; a
-- /send that Resend refused was stored as a 422 problem and becomes the refused SendResult it stood for.
UPDATE idempotency_keys
SET response_body = jsonb_build_object(
        'id', response_body::jsonb -> 'email_id',
        'status', 'failed',
        'resend_id', NULL,
        'scheduled_at', NULL,
        'error', response_body::jsonb -> 'detail')::text
WHERE response_code = 422
  AND scope = 'send';

ALTER TABLE idempotency_keys DROP COLUMN response_code;
ALTER TABLE idempotency_keys RENAME COLUMN response_body TO answer;
