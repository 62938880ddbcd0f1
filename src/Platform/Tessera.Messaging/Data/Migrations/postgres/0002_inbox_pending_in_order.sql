-- The processor takes the oldest pending messages: (status, sequence) hands them over in order, so taking a batch
-- reads about a batch of rows however many are pending. The index by (status, next_attempt_at) made SQLite read and
-- sort every pending row for each batch (a quarter of a second at 90,000 pending, after a large import).
DROP INDEX ix_inbox_messages_status_next;
CREATE INDEX ix_inbox_messages_status_sequence ON inbox_messages (status, sequence);
