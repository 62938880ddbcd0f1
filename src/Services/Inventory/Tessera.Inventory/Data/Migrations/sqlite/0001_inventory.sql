CREATE TABLE warehouses (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_warehouses_tenant_code ON warehouses (tenant_id, code);

-- Quantities and money are exact decimals stored as text; EF Core's SQLite functions compare and add them exactly.
CREATE TABLE stock_levels (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    warehouse TEXT NOT NULL,
    on_hand TEXT NOT NULL,
    reserved TEXT NOT NULL,
    value TEXT NOT NULL,
    average_cost TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, warehouse) REFERENCES warehouses (tenant_id, code)
);
CREATE UNIQUE INDEX ux_stock_levels_tenant_sku_warehouse ON stock_levels (tenant_id, sku, warehouse);
CREATE INDEX ix_stock_levels_tenant_warehouse_sku ON stock_levels (tenant_id, warehouse, sku);

-- The ledger: append-only; on hand of a (SKU, warehouse) is the sum of its movements.
CREATE TABLE movements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    warehouse TEXT NOT NULL,
    type TEXT NOT NULL,
    quantity TEXT NOT NULL,
    unit_cost TEXT NOT NULL,
    value TEXT NOT NULL,
    source_type TEXT NOT NULL,
    source_id TEXT NOT NULL,
    occurred_at INTEGER NOT NULL
);
CREATE INDEX ix_movements_tenant_sku_warehouse ON movements (tenant_id, sku, warehouse, id);
CREATE INDEX ix_movements_tenant_source ON movements (tenant_id, source_type, source_id);

CREATE TABLE receipts (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    warehouse TEXT NOT NULL,
    reference TEXT NULL,
    received_at INTEGER NOT NULL,
    received_by TEXT NOT NULL
);
CREATE INDEX ix_receipts_tenant_received ON receipts (tenant_id, received_at);

CREATE TABLE reservations (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    warehouse TEXT NOT NULL,
    quantity TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    released_at INTEGER NULL
);
CREATE INDEX ix_reservations_tenant_order ON reservations (tenant_id, order_id);
CREATE INDEX ix_reservations_tenant_sku_status ON reservations (tenant_id, sku, warehouse, status);
