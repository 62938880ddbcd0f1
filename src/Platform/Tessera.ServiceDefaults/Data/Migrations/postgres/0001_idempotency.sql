CREATE TABLE idempotency_keys (
    tenant_id text NOT NULL,
    scope text NOT NULL,
    key text NOT NULL,
    request_hash text NOT NULL,
    status_code integer NOT NULL,
    response_body text NOT NULL,
    location text NULL,
    created_at bigint NOT NULL,
    PRIMARY KEY (tenant_id, scope, key)
);
CREATE INDEX ix_idempotency_keys_created_at ON idempotency_keys (created_at);
