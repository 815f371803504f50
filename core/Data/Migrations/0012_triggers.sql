-- Triggers: a secret key that fires a template email. Only the SHA-256 of the key is stored; it is shown once.
CREATE TABLE triggers (
    id                    uuid        PRIMARY KEY,
    team_id               uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name                  text        NOT NULL,
    template_id           uuid        NOT NULL,
    key_hash              bytea       NOT NULL,
    default_to            text        NULL,
    enabled               boolean     NOT NULL DEFAULT true,
    rate_limit_per_minute integer     NULL CHECK (rate_limit_per_minute > 0),
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    -- Same team by construction; deleting a used template is refused (409) unless asked to cascade.
    FOREIGN KEY (team_id, template_id) REFERENCES templates (team_id, id) ON DELETE RESTRICT
);
CREATE UNIQUE INDEX triggers_key_hash_key ON triggers (key_hash);
CREATE INDEX triggers_team_id_template_id_idx ON triggers (team_id, template_id);
