-- Uploaded files (files, documents, invoice PDFs sent through the API) live in the
-- database, so that every portal instance on it serves them and a backup of the
-- database holds them. name is the stored path a module's row records
-- ("documents/<32 hex>"); the content is cut in chunks of at most 256 KiB, read one
-- at a time while a download streams.
CREATE TABLE blob_chunks (
    name TEXT NOT NULL,
    n INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (name, n)
);
