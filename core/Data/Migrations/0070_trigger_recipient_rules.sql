-- A trigger key fires to the trigger's own recipients. A caller-given "to" is accepted only for addresses in
-- these domains (lower-case, IDNA); empty means the key can never choose a recipient.
ALTER TABLE triggers ADD COLUMN allowed_recipient_domains text[] NOT NULL DEFAULT '{}';

-- Every trigger has a per-minute limit, counted in emails. Unlimited triggers get the default; limits above
-- the documented maximum come down to it.
UPDATE triggers SET rate_limit_per_minute = 60 WHERE rate_limit_per_minute IS NULL;
UPDATE triggers SET rate_limit_per_minute = 1000 WHERE rate_limit_per_minute > 1000;
ALTER TABLE triggers ALTER COLUMN rate_limit_per_minute SET DEFAULT 60;
ALTER TABLE triggers ALTER COLUMN rate_limit_per_minute SET NOT NULL;

-- The window counts emails (one fire to 50 recipients uses 50), not fires.
ALTER TABLE trigger_fire_windows RENAME COLUMN fires TO emails;
-- The retention timer deletes past windows by their start.
CREATE INDEX trigger_fire_windows_window_start_idx ON trigger_fire_windows (window_start);
-- The retention timer deletes expired idempotency keys by age.
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
