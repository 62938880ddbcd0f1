-- The RabbitMQ relay marks each outbox row once the broker has confirmed it (ADR 0032); the feed never does, it serves
-- the outbox by position. The relay's index of the rows still to publish is created by the relay when it first runs:
-- under the feed every row would stay in it, one more index write for every event of the default profile.
ALTER TABLE outbox_messages ADD COLUMN dispatched_at INTEGER NULL;
