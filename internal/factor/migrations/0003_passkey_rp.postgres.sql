-- The relying-party id (the host of ci_url) each passkey was registered for: a
-- passkey works only there, so a change of ci_url's host orphans it, and the console
-- says so. Existing passkeys were registered under the ci_url stored now: its host
-- (scheme, user info, port and path cut off, lower case).
ALTER TABLE factor_passkeys ADD COLUMN rp_id TEXT NOT NULL DEFAULT '';
WITH u AS (SELECT substr(value, strpos(value, '://') + 3) AS rest FROM settings WHERE key = 'ci_url' AND group_id = 0 AND strpos(value, '://') > 0),
     h AS (SELECT CASE WHEN strpos(rest, '/') > 0 THEN substr(rest, 1, strpos(rest, '/') - 1) ELSE rest END AS hp FROM u),
     a AS (SELECT CASE WHEN strpos(hp, '@') > 0 THEN substr(hp, strpos(hp, '@') + 1) ELSE hp END AS hp FROM h)
UPDATE factor_passkeys SET rp_id = COALESCE((SELECT lower(CASE WHEN strpos(hp, ':') > 0 THEN substr(hp, 1, strpos(hp, ':') - 1) ELSE hp END) FROM a), '');
