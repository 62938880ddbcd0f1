-- The operations console (ADR 0029): what its scheduled checks found, the invariants' history, the alerts and their
-- webhook deliveries, and the lease that lets one web instance of several run the checks. Expand only: new tables;
-- the running older version ignores them.
CREATE TABLE operations_leases (
    name TEXT NOT NULL PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);

-- The last state of each service as the checks saw it (instances, feeds, inboxes, parked messages, recent errors),
-- as JSON: the page reads this row instead of asking every service on every view.
CREATE TABLE operations_snapshots (
    service TEXT NOT NULL PRIMARY KEY,
    taken_at INTEGER NOT NULL,
    body TEXT NOT NULL
);

CREATE TABLE invariant_runs (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    run_at INTEGER NOT NULL,
    service TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    invariant TEXT NOT NULL,
    description TEXT NOT NULL,
    holds INTEGER NOT NULL,
    checked INTEGER NOT NULL,
    violation_count INTEGER NOT NULL,
    first_key TEXT NULL,
    first_detail TEXT NULL
);
CREATE INDEX ix_invariant_runs_subject ON invariant_runs (service, tenant_id, invariant, run_at);
CREATE INDEX ix_invariant_runs_run_at ON invariant_runs (run_at);

CREATE TABLE operations_alerts (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    record TEXT NULL,
    raised_at INTEGER NOT NULL,
    cleared_at INTEGER NULL,
    raise_sent_at INTEGER NULL,
    clear_sent_at INTEGER NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT NULL
);
-- One open alert per condition: raising what is already raised changes nothing, from however many instances.
CREATE UNIQUE INDEX ux_operations_alerts_open ON operations_alerts (key) WHERE cleared_at IS NULL;
CREATE INDEX ix_operations_alerts_raised_at ON operations_alerts (raised_at);
