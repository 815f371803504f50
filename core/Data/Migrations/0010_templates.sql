-- Email templates: {{name}} / {{{name}}} in subject, body_html and body_text; variables re-extracted on every save.
CREATE TABLE templates (
    id         uuid        PRIMARY KEY,
    team_id    uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name       text        NOT NULL,
    subject    text        NOT NULL,
    body_html  text        NOT NULL,
    body_text  text        NOT NULL,
    variables  text[]      NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- Target of (team_id, template_id) foreign keys: a trigger can only point at a template of its own team.
CREATE UNIQUE INDEX templates_team_id_id_key ON templates (team_id, id);
CREATE INDEX templates_team_id_created_at_idx ON templates (team_id, created_at DESC);
