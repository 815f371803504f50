-- The rank of an email status for the monotonic rule of core/Webhooks/EmailStatusRules (the same table: a later
-- stage replaces an earlier one, equal ranks never replace each other, terminal = 100 is never replaced). The
-- webhook fold applies the rule inside its UPDATE, so concurrent folds of one email each see the locked row;
-- EmailStatusRankTests checks this function against the C# rule for every pair of statuses.
CREATE FUNCTION email_status_rank(status text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE status
        WHEN 'queued' THEN 0
        WHEN 'scheduled' THEN 0
        WHEN 'sending' THEN 1
        WHEN 'sent' THEN 2
        WHEN 'delivery_delayed' THEN 3
        WHEN 'delivered' THEN 4
        WHEN 'opened' THEN 5
        WHEN 'clicked' THEN 6
        WHEN 'bounced' THEN 100
        WHEN 'complained' THEN 100
        WHEN 'failed' THEN 100
        WHEN 'suppressed' THEN 100
        WHEN 'canceled' THEN 100
        ELSE 0
    END
$$;
