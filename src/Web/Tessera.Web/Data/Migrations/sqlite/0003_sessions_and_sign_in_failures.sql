-- Server-side sessions: a browser sign-in or an API token grant. Revoking one ends its cookie or its access and
-- refresh tokens within seconds (ADR 0011). Expand only: the running older version ignores both tables.
CREATE TABLE sessions (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    refresh_hash TEXT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    revoked_at INTEGER NULL,
    revoked_reason TEXT NULL
);
CREATE INDEX ix_sessions_user ON sessions (user_id);
CREATE INDEX ix_sessions_expires_at ON sessions (expires_at);

-- Consecutive failed sign-ins per (tenant, username), whether or not the user exists, so that a lock says nothing
-- about which accounts exist.
CREATE TABLE sign_in_failures (
    tenant_id TEXT NOT NULL,
    username TEXT NOT NULL,
    failures INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL,
    locked_until INTEGER NULL,
    PRIMARY KEY (tenant_id, username)
);
