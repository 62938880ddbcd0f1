CREATE TABLE idempotency_keys (
    tenant_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    location TEXT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, scope, key)
);
CREATE INDEX ix_idempotency_keys_created_at ON idempotency_keys (created_at);
