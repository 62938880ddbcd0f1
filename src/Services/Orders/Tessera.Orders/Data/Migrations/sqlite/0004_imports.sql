-- Bulk imports of orders from CSV: progress and outcome per import, and every rejected row with its reason.
-- Reasons name the row and the column, never the value (it may be personal data).
CREATE TABLE order_imports (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    total_rows INTEGER NOT NULL,
    processed_rows INTEGER NOT NULL,
    processed_orders INTEGER NOT NULL,
    accepted_orders INTEGER NOT NULL,
    accepted_rows INTEGER NOT NULL,
    rejected_rows INTEGER NOT NULL,
    skipped_rows INTEGER NOT NULL,
    error TEXT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    started_at INTEGER NULL,
    finished_at INTEGER NULL,
    version INTEGER NOT NULL
);
CREATE INDEX ix_order_imports_tenant_created ON order_imports (tenant_id, created_at);
CREATE INDEX ix_order_imports_status ON order_imports (status, created_at);

CREATE TABLE order_import_rejections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    import_id TEXT NOT NULL REFERENCES order_imports (id),
    tenant_id TEXT NOT NULL,
    row_number INTEGER NOT NULL,
    external_ref TEXT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX ix_order_import_rejections_import ON order_import_rejections (import_id, row_number);
