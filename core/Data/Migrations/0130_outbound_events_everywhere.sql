-- Outbound webhook events written by SQL statements of other features, in their own statement (no extra round trip):
-- email.received with the received_emails row, contact.created/updated with contacts collected from recipients or
-- imported from CSV. core/OutboundWebhooks/OutboundEvents.cs documents the payloads; OutboundSqlTests checks that
-- these functions build the same JSON as OutboundEvents.Payload does in C#.

-- A timestamptz as System.Text.Json writes a UTC DateTimeOffset: ISO 8601, fraction without trailing zeros, +00:00.
CREATE FUNCTION outbound_json_time(t timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
        || CASE WHEN date_part('microseconds', t)::bigint % 1000000 = 0 THEN ''
                ELSE '.' || rtrim(to_char(t AT TIME ZONE 'UTC', 'US'), '0') END
        || '+00:00'
$$;

-- The body of a contact.* event: {type, created_at, data} with data the contact as the API shows it.
CREATE FUNCTION outbound_contact_payload(
    event_type text, event_at timestamptz, id uuid, email text, name text, tags text[], properties jsonb, unsubscribed boolean,
    created_at timestamptz, updated_at timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT json_build_object(
        'type', event_type,
        'created_at', outbound_json_time(event_at),
        'data', json_build_object(
            'id', id, 'email', email, 'name', name, 'tags', to_json(COALESCE(tags, ARRAY[]::text[])),
            'properties', COALESCE(properties, '{}'::jsonb)::json, 'unsubscribed', unsubscribed,
            'created_at', outbound_json_time(created_at), 'updated_at', outbound_json_time(updated_at)))::text
$$;

-- Records one event for every enabled endpoint of the team subscribed to its type (nothing when none is), like
-- OutboundEvents.RecordAsync; returns how many deliveries were queued. For statements of other features that record
-- an event as one more statement of their own command (the received_emails insert).
CREATE FUNCTION outbound_record(team uuid, event_type text, event_id uuid, payload text, event_at timestamptz) RETURNS integer
LANGUAGE sql VOLATILE
AS $$
    WITH subscribed AS (
        SELECT w.id
        FROM outbound_webhook_endpoints w
        WHERE w.team_id = team
          AND w.enabled
          AND event_type = ANY (w.events)
    ), recorded AS (
        INSERT INTO outbound_webhook_events (id, team_id, type, payload, created_at)
        SELECT event_id, team, event_type, payload, event_at
        WHERE EXISTS (SELECT 1 FROM subscribed)
        RETURNING id
    ), queued AS (
        INSERT INTO outbound_webhook_deliveries (id, team_id, endpoint_id, event_id, status, next_attempt_at, created_at)
        SELECT gen_random_uuid(), team, s.id, r.id, 'pending', event_at, event_at
        FROM subscribed s
        CROSS JOIN recorded r
        RETURNING 1
    )
    SELECT count(*)::integer FROM queued
$$;

-- Retention (DataRetention timer): finished deliveries by the time of their last attempt, then events no delivery
-- points at; and the event lookup that ON DELETE CASCADE from events to deliveries needs.
CREATE INDEX outbound_webhook_deliveries_finished_idx ON outbound_webhook_deliveries ((COALESCE(last_attempt_at, created_at))) WHERE status <> 'pending';
CREATE INDEX outbound_webhook_deliveries_event_idx ON outbound_webhook_deliveries (event_id);
