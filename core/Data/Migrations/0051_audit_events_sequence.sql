-- The audit log is read in the order events were written. created_at comes from each instance's clock
-- (and several events of one request share it), so an identity column gives the stable order and the
-- page cursor.
ALTER TABLE audit_events ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
CREATE INDEX audit_events_team_seq_idx ON audit_events (team_id, seq DESC) WHERE team_id IS NOT NULL;
