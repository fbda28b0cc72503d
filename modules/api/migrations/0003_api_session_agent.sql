-- The User-Agent of the client that logged in (cut to 300 bytes), so the staff
-- member's sessions page names the device of each API session.
ALTER TABLE api_sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
