-- Traffic accounting for services. Times are Unix seconds (UTC); byte
-- counts are signed 64-bit integers because that is what both SQLite and
-- PostgreSQL store natively. No foreign key to the services table: that
-- table belongs to another package, which calls traffic.DeleteService.

-- Raw cumulative counters as reported by the router. Kept for the fine
-- retention window so a late (out-of-order) sample can be slotted in
-- between its neighbours and the deltas recomputed.
CREATE TABLE traffic_counters (
    service_id BIGINT NOT NULL,
    at         BIGINT NOT NULL,
    down       BIGINT NOT NULL,
    up         BIGINT NOT NULL,
    PRIMARY KEY (service_id, at)
);

-- Bytes transferred per 5-minute bucket; bucket = start of the bucket.
CREATE TABLE traffic_5m (
    service_id BIGINT NOT NULL,
    bucket     BIGINT NOT NULL,
    down       BIGINT NOT NULL,
    up         BIGINT NOT NULL,
    PRIMARY KEY (service_id, bucket)
);

-- Hourly rollup, bucket = start of the UTC hour.
CREATE TABLE traffic_hour (
    service_id BIGINT NOT NULL,
    bucket     BIGINT NOT NULL,
    down       BIGINT NOT NULL,
    up         BIGINT NOT NULL,
    PRIMARY KEY (service_id, bucket)
);

-- Daily rollup, bucket = local midnight in the store's time zone.
CREATE TABLE traffic_day (
    service_id BIGINT NOT NULL,
    bucket     BIGINT NOT NULL,
    down       BIGINT NOT NULL,
    up         BIGINT NOT NULL,
    PRIMARY KEY (service_id, bucket)
);

-- Small key/value state; 'counter_floor' is the newest prune cutoff:
-- samples older than it are rejected because their neighbours are gone.
CREATE TABLE traffic_meta (
    name  VARCHAR(64) PRIMARY KEY,
    value BIGINT NOT NULL
);
