-- The console keeps no tables of its own: staff, audit_log and settings are core
-- tables, content belongs to the modules that show it. This file exists so that the
-- module's migration history starts at 1; 0002 is the shared lockouts table.
SELECT 1;
