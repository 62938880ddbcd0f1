-- The outbox is also the event feed: position orders it, and it is kept for the retention period.
CREATE TABLE outbox_messages (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL,
    type TEXT NOT NULL,
    version INTEGER NOT NULL,
    tenant TEXT NOT NULL,
    aggregate_id TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    correlation_id TEXT NOT NULL,
    causation_id TEXT NULL,
    trace_parent TEXT NULL,
    payload TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_outbox_messages_message_id ON outbox_messages (message_id);
CREATE INDEX ix_outbox_messages_occurred_at ON outbox_messages (occurred_at);

-- Messages received from other services, staged in arrival order and processed per aggregate.
CREATE TABLE inbox_messages (
    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL,
    producer TEXT NOT NULL,
    position INTEGER NOT NULL,
    type TEXT NOT NULL,
    version INTEGER NOT NULL,
    tenant TEXT NOT NULL,
    aggregate_key TEXT NOT NULL,
    envelope TEXT NOT NULL,
    status INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT NULL,
    received_at INTEGER NOT NULL,
    processed_at INTEGER NULL,
    parked_at INTEGER NULL
);
CREATE UNIQUE INDEX ux_inbox_messages_message_id ON inbox_messages (message_id);
CREATE INDEX ix_inbox_messages_status_next ON inbox_messages (status, next_attempt_at);
CREATE INDEX ix_inbox_messages_aggregate ON inbox_messages (aggregate_key, sequence);
CREATE INDEX ix_inbox_messages_tenant_status ON inbox_messages (tenant, status);

CREATE TABLE subscriber_checkpoints (
    producer TEXT NOT NULL PRIMARY KEY,
    position INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
