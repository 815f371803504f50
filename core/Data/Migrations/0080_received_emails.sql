-- Received mail, per team. A row is written when the signed email.received webhook (or the backfill timer) first
-- names the email: metadata at once, content (text, html, headers, attachment list) fetched afterwards by a job
-- that lives on the row itself (content_state + attempts + next_attempt_at + lease), claimed with
-- FOR UPDATE SKIP LOCKED, so a Resend outage delays the content and never loses the email.
CREATE TABLE received_emails (
    id                  uuid        PRIMARY KEY,
    team_id             uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    -- Creation order across the whole table, for readers that walk new mail in order (pipes).
    seq                 bigint      GENERATED ALWAYS AS IDENTITY,
    resend_id           text        NOT NULL,
    from_address        text        NOT NULL,
    to_addresses        text[]      NOT NULL DEFAULT '{}',
    cc_addresses        text[]      NOT NULL DEFAULT '{}',
    reply_to            text[]      NOT NULL DEFAULT '{}',
    subject             text        NOT NULL DEFAULT '',
    -- The subject without Re:/Fwd: prefixes, lower-cased: the thread fallback for mail without threading headers.
    subject_key         text        NOT NULL DEFAULT '',
    message_id          text        NULL,
    in_reply_to         text        NULL,
    -- Message-IDs of the References header, oldest first.
    references_ids      text[]      NOT NULL DEFAULT '{}',
    text_body           text        NULL,
    html_body           text        NULL,
    headers             jsonb       NULL,
    -- [{id, filename, content_type, content_disposition, content_id, size}]: metadata only, bytes stay at Resend.
    attachments         jsonb       NOT NULL DEFAULT '[]',
    -- Every email starts as its own thread; threading moves it into an existing one.
    thread_id           uuid        NOT NULL,
    is_read             boolean     NOT NULL DEFAULT false,
    is_archived         boolean     NOT NULL DEFAULT false,
    is_hidden           boolean     NOT NULL DEFAULT false,
    labels              text[]      NOT NULL DEFAULT '{}',
    content_state       text        NOT NULL DEFAULT 'pending' CHECK (content_state IN ('pending', 'fetched', 'failed')),
    fetch_attempts      integer     NOT NULL DEFAULT 0,
    next_attempt_at     timestamptz NOT NULL,
    lease_until         timestamptz NULL,
    last_error          text        NULL,
    -- When Resend received it (created_at of the event / API); the inbox is ordered by this.
    received_at         timestamptz NOT NULL,
    created_at          timestamptz NOT NULL,
    fetched_at          timestamptz NULL,
    -- Stemmed words of from, subject and (the first 100k characters of) the text: GET /api/inbox?q=.
    search              tsvector    GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(from_address, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(subject, '')), 'B')
        || to_tsvector('english'::regconfig, left(coalesce(text_body, ''), 100000))
    ) STORED
);
-- A duplicate email.received (or the backfill meeting a webhook-stored email) inserts nothing.
CREATE UNIQUE INDEX received_emails_team_resend_key ON received_emails (team_id, resend_id);
CREATE UNIQUE INDEX received_emails_seq_key ON received_emails (seq);
CREATE INDEX received_emails_team_received_idx ON received_emails (team_id, received_at DESC, id DESC);
CREATE INDEX received_emails_team_thread_idx ON received_emails (team_id, thread_id, received_at);
CREATE INDEX received_emails_team_subject_idx ON received_emails (team_id, subject_key, received_at DESC);
CREATE INDEX received_emails_search_idx ON received_emails USING gin (search);
CREATE INDEX received_emails_pending_idx ON received_emails (next_attempt_at) WHERE content_state = 'pending';

-- Every Message-ID a team's threads know (received mail, the ids it references, replies sent from Moosermail),
-- mapped to its thread: a later email naming any of them in In-Reply-To/References joins that thread.
CREATE TABLE inbox_thread_messages (
    team_id    uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    message_id text        NOT NULL,
    thread_id  uuid        NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (team_id, message_id)
);

-- The backfill timer's place per team: it lists GET /emails/receiving newest first until it meets last_seen_id.
-- A walk longer than one run keeps walk_after (where to continue) and walk_top (the newest id of this walk).
CREATE TABLE inbox_sync (
    team_id      uuid        PRIMARY KEY REFERENCES teams (id) ON DELETE CASCADE,
    last_seen_id text        NULL,
    walk_after   text        NULL,
    walk_top     text        NULL,
    next_run_at  timestamptz NOT NULL,
    lease_until  timestamptz NULL,
    last_error   text        NULL,
    updated_at   timestamptz NOT NULL
);
CREATE INDEX inbox_sync_next_run_idx ON inbox_sync (next_run_at);
