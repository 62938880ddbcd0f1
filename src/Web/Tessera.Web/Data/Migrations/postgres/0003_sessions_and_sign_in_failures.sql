-- Server-side sessions: a browser sign-in or an API token grant. Revoking one ends its cookie or its access and
-- refresh tokens within seconds (ADR 0011). Expand only: the running older version ignores both tables.
CREATE TABLE sessions (
    id text NOT NULL PRIMARY KEY,
    tenant_id text NOT NULL REFERENCES tenants (id),
    user_id uuid NOT NULL REFERENCES users (id),
    kind text NOT NULL,
    refresh_hash text NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    ends_at bigint NOT NULL,
    revoked_at bigint NULL,
    revoked_reason text NULL
);
CREATE INDEX ix_sessions_user ON sessions (user_id);
CREATE INDEX ix_sessions_expires_at ON sessions (expires_at);

-- Consecutive failed sign-ins per (tenant, username), whether or not the user exists, so that a lock says nothing
-- about which accounts exist.
CREATE TABLE sign_in_failures (
    tenant_id text NOT NULL,
    username text NOT NULL,
    failures integer NOT NULL,
    last_failure_at bigint NOT NULL,
    locked_until bigint NULL,
    PRIMARY KEY (tenant_id, username)
);
