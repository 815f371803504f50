-- A reply draft answers one received email of its team; when that email is deleted the draft stays, as a plain draft.
ALTER TABLE drafts
    ADD CONSTRAINT drafts_reply_to_inbox_fk FOREIGN KEY (reply_to_inbox_id) REFERENCES received_emails (id) ON DELETE SET NULL;

-- Replies sent from Moosermail (POST /api/inbox/{id}/reply, or a reply draft sent): the sent email (the send log row)
-- linked to the received email it answers, so the thread view (through that email's current thread) shows both
-- directions. Written in the transaction that accepts the reply.
CREATE TABLE inbox_replies (
    email_id          uuid        PRIMARY KEY REFERENCES emails (id) ON DELETE CASCADE,
    team_id           uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    received_email_id uuid        NOT NULL REFERENCES received_emails (id) ON DELETE CASCADE,
    created_at        timestamptz NOT NULL
);
CREATE INDEX inbox_replies_team_received_idx ON inbox_replies (team_id, received_email_id, created_at);
CREATE INDEX inbox_replies_received_idx ON inbox_replies (received_email_id);
