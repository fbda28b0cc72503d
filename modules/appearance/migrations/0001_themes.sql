-- Themes staff make in the console: a copy of another theme (its base) with the files
-- uploaded for it. The files live here, not in the source tree or data/themes, so a
-- restore of the database restores them.
CREATE TABLE staff_themes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    base TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

-- One row per file of a theme, by its name in the theme (style.css, images/logo.png);
-- type is the Content-Type it was checked as, version a hash of data.
CREATE TABLE staff_theme_files (
    theme_id INTEGER NOT NULL REFERENCES staff_themes (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    data BLOB NOT NULL,
    version TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (theme_id, name)
);
