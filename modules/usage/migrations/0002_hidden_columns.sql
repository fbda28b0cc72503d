-- The usage report columns a subscriber hid for themselves (issue 21): per account
-- holder (person_id 0) or invited person (modules/people). Staff choose the columns
-- offered at all (ci_usage_columns).
CREATE TABLE usage_hidden_columns (
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL DEFAULT 0,
    columns TEXT NOT NULL,
    PRIMARY KEY (client_id, person_id)
) WITHOUT ROWID;
