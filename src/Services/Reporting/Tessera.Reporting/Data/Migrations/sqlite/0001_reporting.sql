-- Money and rates are exact decimals stored as text; instants are UTC ticks; business dates are ISO text.

-- Events received and handled (the inbox marks them in the same transaction), waiting to be moved into their tenant's
-- DuckDB ODS; a row is deleted once the ODS has its event (docs/adr/0019).
CREATE TABLE ods_staging (
    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    producer TEXT NOT NULL,
    type TEXT NOT NULL,
    version INTEGER NOT NULL,
    aggregate_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    occurred_at INTEGER NOT NULL,
    payload TEXT NOT NULL,
    staged_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_ods_staging_event ON ods_staging (event_id);

CREATE TABLE reporting_settings (
    tenant_id TEXT NOT NULL PRIMARY KEY,
    time_zone TEXT NOT NULL,
    currency TEXT NOT NULL,
    freshness_target_minutes INTEGER NOT NULL,
    reconciliation_threshold TEXT NOT NULL,
    lookback_days INTEGER NOT NULL,
    version INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE tenant_models (
    tenant_id TEXT NOT NULL,
    name TEXT NOT NULL,
    sql TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, name)
);

CREATE TABLE runs (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    status TEXT NOT NULL,
    trigger TEXT NOT NULL,
    models TEXT NOT NULL,
    "from" TEXT NULL,
    "to" TEXT NULL,
    include_downstream INTEGER NOT NULL,
    parallelism INTEGER NOT NULL,
    requested_by TEXT NULL,
    created_at INTEGER NOT NULL,
    started_at INTEGER NULL,
    finished_at INTEGER NULL,
    error TEXT NULL,
    critical_path_ms INTEGER NOT NULL,
    critical_path TEXT NOT NULL,
    dirty_before INTEGER NULL,
    schedule TEXT NULL
);
CREATE INDEX ix_runs_tenant_created ON runs (tenant_id, created_at);
CREATE INDEX ix_runs_status ON runs (status, created_at);

CREATE TABLE run_tasks (
    run_id TEXT NOT NULL REFERENCES runs (id),
    no INTEGER NOT NULL,
    tenant_id TEXT NOT NULL,
    key TEXT NOT NULL,
    model TEXT NOT NULL,
    business_date TEXT NULL,
    date_to TEXT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER NULL,
    started_at INTEGER NULL,
    finished_at INTEGER NULL,
    duration_ms INTEGER NULL,
    error TEXT NULL,
    rows INTEGER NULL,
    checksum TEXT NULL,
    depends_on TEXT NOT NULL,
    on_critical_path INTEGER NOT NULL,
    conditional INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, no)
);
CREATE INDEX ix_run_tasks_tenant_model ON run_tasks (tenant_id, model, status, finished_at);

CREATE TABLE test_results (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id TEXT NOT NULL,
    run_id TEXT NOT NULL,
    model TEXT NOT NULL,
    business_date TEXT NULL,
    test TEXT NOT NULL,
    severity TEXT NOT NULL,
    status TEXT NOT NULL,
    failures INTEGER NOT NULL,
    message TEXT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX ix_test_results_tenant_at ON test_results (tenant_id, at);
CREATE INDEX ix_test_results_run ON test_results (run_id);

CREATE TABLE reconciliation_results (
    tenant_id TEXT NOT NULL,
    business_date TEXT NOT NULL,
    source TEXT NOT NULL,
    measure TEXT NOT NULL,
    warehouse_value TEXT NOT NULL,
    service_value TEXT NOT NULL,
    diff_rate TEXT NOT NULL,
    threshold TEXT NOT NULL,
    ok INTEGER NOT NULL,
    checked_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, business_date, source, measure)
);

CREATE TABLE alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    message TEXT NOT NULL,
    raised_at INTEGER NOT NULL,
    cleared_at INTEGER NULL
);
CREATE INDEX ix_alerts_tenant_open ON alerts (tenant_id, kind, subject, cleared_at);

CREATE TABLE schedules (
    tenant_id TEXT NOT NULL,
    name TEXT NOT NULL,
    cadence TEXT NOT NULL,
    dates TEXT NOT NULL,
    models TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    next_due_at INTEGER NULL,
    last_run_id TEXT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, name)
);

CREATE TABLE uploads (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    source TEXT NOT NULL,
    file_name TEXT NOT NULL,
    rows INTEGER NOT NULL,
    first_date TEXT NULL,
    last_date TEXT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at INTEGER NOT NULL,
    sha256 TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_uploads_tenant_hash ON uploads (tenant_id, source, sha256);
