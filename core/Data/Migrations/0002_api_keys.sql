-- Persistent API keys (mk_...). Only the SHA-256 of a key is stored; the key itself is shown once.
CREATE TABLE api_keys (
    id             uuid        PRIMARY KEY,
    team_id        uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    -- A key acts as its creator: removing the creator removes the key.
    created_by     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name           text        NOT NULL,
    key_hash       bytea       NOT NULL,
    display_prefix text        NOT NULL,
    permissions    text[]      NOT NULL,
    expires_at     timestamptz NULL,
    last_used_at   timestamptz NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX api_keys_key_hash_key ON api_keys (key_hash);
CREATE INDEX api_keys_team_id_idx ON api_keys (team_id);
CREATE INDEX api_keys_expires_at_idx ON api_keys (expires_at) WHERE expires_at IS NOT NULL;
