-- Pipes: rules a team sets on its received mail (match conditions OR-combined, one action each).
CREATE TABLE pipes (
    id                 uuid        PRIMARY KEY,
    team_id            uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name               text        NOT NULL,
    action             text        NOT NULL CHECK (action IN ('webhook', 'forward', 'auto_reply', 'tag', 'hide')),
    match_from         text        NULL,
    match_subject      text        NULL,
    match_body         text        NULL,
    match_all          boolean     NOT NULL DEFAULT false,
    action_url         text        NULL,
    action_to          text        NULL,
    action_template_id uuid        NULL,
    action_tag         text        NULL CHECK (action_tag IN ('flag', 'pin', 'read')),
    strip_closers      boolean     NOT NULL DEFAULT false,
    enabled            boolean     NOT NULL DEFAULT true,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    -- Same team by construction. Deleting the template leaves the pipe (its auto-replies then fail, visibly in its runs).
    FOREIGN KEY (team_id, action_template_id) REFERENCES templates (team_id, id) ON DELETE SET NULL (action_template_id)
);
-- Pipes run in creation order; the processor and the list read them in that order.
CREATE INDEX pipes_team_id_created_at_idx ON pipes (team_id, created_at, id);
CREATE INDEX pipes_team_id_action_template_id_idx ON pipes (team_id, action_template_id) WHERE action_template_id IS NOT NULL;
