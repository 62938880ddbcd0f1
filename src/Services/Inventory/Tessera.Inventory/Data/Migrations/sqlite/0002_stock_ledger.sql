-- The stock ledger of issue 5: bins, running balances on movements, policy, reorder points, transfers, counts.

CREATE TABLE bins (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    warehouse TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, warehouse) REFERENCES warehouses (tenant_id, code)
);
CREATE UNIQUE INDEX ux_bins_tenant_warehouse_code ON bins (tenant_id, warehouse, code);

-- What lies in each bin: the optional breakdown of a stock row, from the movements that name a bin.
CREATE TABLE bin_stock (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    warehouse TEXT NOT NULL,
    bin TEXT NOT NULL,
    on_hand TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, warehouse, bin) REFERENCES bins (tenant_id, warehouse, code)
);
CREATE UNIQUE INDEX ux_bin_stock_tenant_warehouse_bin_sku ON bin_stock (tenant_id, warehouse, bin, sku);
CREATE INDEX ix_bin_stock_tenant_sku ON bin_stock (tenant_id, sku, warehouse);

-- In transit towards this warehouse; the reorder point and whether StockBelowReorderPoint was published for it.
ALTER TABLE stock_levels ADD COLUMN in_transit TEXT NOT NULL DEFAULT '0';
ALTER TABLE stock_levels ADD COLUMN reorder_point TEXT NULL;
ALTER TABLE stock_levels ADD COLUMN reorder_quantity TEXT NULL;
ALTER TABLE stock_levels ADD COLUMN below_reorder_point INTEGER NOT NULL DEFAULT 0;

-- Running balance after each movement, written with it (movements of one stock row are serialized through that row).
-- Rows written before this script get theirs from the start-up backfill (LedgerBackfill).
ALTER TABLE movements ADD COLUMN balance_quantity TEXT NULL;
ALTER TABLE movements ADD COLUMN balance_value TEXT NULL;
ALTER TABLE movements ADD COLUMN bin TEXT NULL;
ALTER TABLE movements ADD COLUMN order_id TEXT NULL;
ALTER TABLE movements ADD COLUMN reason TEXT NULL;
ALTER TABLE movements ADD COLUMN actor TEXT NULL;
-- History pages: newest first per SKU (all warehouses), per warehouse, per tenant; stock as of a moment.
CREATE INDEX ix_movements_tenant_sku_id ON movements (tenant_id, sku, id);
CREATE INDEX ix_movements_tenant_warehouse_id ON movements (tenant_id, warehouse, id);
CREATE INDEX ix_movements_tenant_id ON movements (tenant_id, id);
CREATE INDEX ix_movements_tenant_sku_warehouse_occurred ON movements (tenant_id, sku, warehouse, occurred_at, id);
CREATE INDEX ix_movements_tenant_order ON movements (tenant_id, order_id, sku) WHERE order_id IS NOT NULL;

CREATE TABLE issues (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    warehouse TEXT NOT NULL,
    type TEXT NOT NULL,
    reference TEXT NULL,
    issued_at INTEGER NOT NULL,
    issued_by TEXT NOT NULL
);
CREATE INDEX ix_issues_tenant_issued ON issues (tenant_id, issued_at);

ALTER TABLE reservations ADD COLUMN expires_at INTEGER NULL;
CREATE INDEX ix_reservations_expiry ON reservations (status, expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE inventory_settings (
    tenant_id TEXT NOT NULL PRIMARY KEY,
    negative_stock_allowed INTEGER NOT NULL,
    reservation_hold_minutes INTEGER NULL,
    version INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NULL
);

CREATE TABLE document_counters (
    tenant_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    next INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, kind)
);

CREATE TABLE transfers (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    number TEXT NOT NULL,
    from_warehouse TEXT NOT NULL,
    to_warehouse TEXT NOT NULL,
    reference TEXT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    shipped_at INTEGER NULL,
    shipped_by TEXT NULL,
    completed_at INTEGER NULL,
    cancelled_at INTEGER NULL,
    version INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_transfers_tenant_number ON transfers (tenant_id, number);
CREATE INDEX ix_transfers_tenant_created ON transfers (tenant_id, created_at);

CREATE TABLE transfer_lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id TEXT NOT NULL,
    transfer_id TEXT NOT NULL REFERENCES transfers (id),
    line_no INTEGER NOT NULL,
    sku TEXT NOT NULL,
    bin TEXT NULL,
    quantity TEXT NOT NULL,
    shipped_quantity TEXT NOT NULL,
    shipped_value TEXT NOT NULL,
    unit_cost TEXT NOT NULL,
    received_quantity TEXT NOT NULL,
    received_value TEXT NOT NULL
);
CREATE INDEX ix_transfer_lines_transfer ON transfer_lines (transfer_id);

CREATE TABLE count_sessions (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    number TEXT NOT NULL,
    warehouse TEXT NOT NULL,
    bin TEXT NULL,
    skus TEXT NULL,
    blind INTEGER NOT NULL,
    reference TEXT NULL,
    status TEXT NOT NULL,
    freeze_position INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    started_by TEXT NOT NULL,
    posted_at INTEGER NULL,
    posted_by TEXT NULL,
    reason TEXT NULL,
    cancelled_at INTEGER NULL,
    version INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_count_sessions_tenant_number ON count_sessions (tenant_id, number);
CREATE INDEX ix_count_sessions_tenant_started ON count_sessions (tenant_id, started_at);

CREATE TABLE count_lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id TEXT NOT NULL,
    count_id TEXT NOT NULL REFERENCES count_sessions (id),
    sku TEXT NOT NULL,
    expected TEXT NOT NULL,
    counted TEXT NULL,
    book_at_entry TEXT NULL,
    counted_at INTEGER NULL,
    counted_by TEXT NULL,
    reason TEXT NULL,
    difference TEXT NULL,
    unit_cost TEXT NULL,
    value TEXT NULL
);
CREATE UNIQUE INDEX ux_count_lines_count_sku ON count_lines (count_id, sku);
