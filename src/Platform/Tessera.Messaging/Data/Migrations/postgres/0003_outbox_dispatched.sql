-- The RabbitMQ relay marks each outbox row once the broker has confirmed it (ADR 0032); the feed never does. The relay
-- creates its index of the rows still to publish when it first runs.
ALTER TABLE outbox_messages ADD COLUMN dispatched_at bigint NULL;
