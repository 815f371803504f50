-- The emails a keyed request accepted, so a request interrupted before it stored its answer can still be
-- answered with where its emails are, instead of an endless "in progress".
ALTER TABLE idempotency_keys ADD COLUMN email_ids uuid[] NOT NULL DEFAULT '{}';
