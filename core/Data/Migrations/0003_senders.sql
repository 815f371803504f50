-- Sender identities: a team's Resend API keys (encrypted with SecretCipher) and the From address each sends as.
CREATE TABLE senders (
    id                uuid        PRIMARY KEY,
    team_id           uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name              text        NOT NULL,
    from_address      text        NOT NULL,
    key_hint          text        NOT NULL,
    -- v1.{keyId}.{base64(nonce|ciphertext|tag)}, bound to (resend_api_key, team_id, id).
    encrypted_api_key text        NOT NULL,
    is_default        boolean     NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX senders_team_id_idx ON senders (team_id);
CREATE UNIQUE INDEX senders_one_default_per_team ON senders (team_id) WHERE is_default;
