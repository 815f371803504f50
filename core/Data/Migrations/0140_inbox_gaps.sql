-- A reply sent from Moosermail carries its own Message-ID (<uuid@sending-domain>); kept with the link so the
-- thread view can show it. The same id is registered in inbox_thread_messages, so an answer to the reply joins
-- the thread even when it names only In-Reply-To.
ALTER TABLE inbox_replies ADD COLUMN message_id text NULL;

-- The sender whose Resend key found (backfill) or read (content fetch) the email: a team may hold keys of several
-- Resend accounts, and only the account that received an email can read it or its attachments.
ALTER TABLE received_emails ADD COLUMN sender_id uuid NULL REFERENCES senders (id) ON DELETE SET NULL;

-- A reply draft quotes the email it answers when it is sent, unless quote_original is turned off.
ALTER TABLE drafts ADD COLUMN quote_original boolean NOT NULL DEFAULT true;
-- Retention prunes sent drafts by age.
CREATE INDEX drafts_sent_at_idx ON drafts (sent_at) WHERE sent_at IS NOT NULL;

-- The backfill walks GET /emails/receiving once per distinct Resend key of a team: its place per sender. inbox_sync
-- keeps the team's schedule and lease; its own last_seen_id / walk_after / walk_top are no longer read (their
-- values move here, to the team's default sender, whose key the backfill used until now).
CREATE TABLE inbox_sync_senders (
    team_id      uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    sender_id    uuid        NOT NULL REFERENCES senders (id) ON DELETE CASCADE,
    last_seen_id text        NULL,
    walk_after   text        NULL,
    walk_top     text        NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (team_id, sender_id)
);
INSERT INTO inbox_sync_senders (team_id, sender_id, last_seen_id, walk_after, walk_top, updated_at)
SELECT y.team_id, s.id, y.last_seen_id, y.walk_after, y.walk_top, y.updated_at
FROM inbox_sync y
JOIN senders s ON s.team_id = y.team_id AND s.is_default;
