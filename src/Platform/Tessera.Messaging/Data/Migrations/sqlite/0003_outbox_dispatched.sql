-- The RabbitMQ relay marks each outbox row once the broker has confirmed it (ADR 0032); the feed never does, it serves
-- the outbox by position. The partial index holds only rows still to publish, so the relay's scan stays small.
ALTER TABLE outbox_messages ADD COLUMN dispatched_at INTEGER NULL;
CREATE INDEX ix_outbox_messages_undispatched ON outbox_messages (position) WHERE dispatched_at IS NULL;
