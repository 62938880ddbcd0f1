CREATE TABLE orders (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    channel TEXT NOT NULL,
    external_ref TEXT NULL,
    currency TEXT NOT NULL,
    -- Personal data: encrypted values and keyed hashes only, never plaintext.
    customer_name TEXT NOT NULL,
    customer_phone TEXT NULL,
    customer_email TEXT NULL,
    customer_phone_index TEXT NULL,
    customer_email_index TEXT NULL,
    status TEXT NOT NULL,
    total TEXT NOT NULL,
    placed_at INTEGER NOT NULL,
    placed_by TEXT NOT NULL,
    short_lines TEXT NULL,
    version INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_orders_tenant_number ON orders (tenant_id, number);
CREATE UNIQUE INDEX ux_orders_tenant_channel_external_ref ON orders (tenant_id, channel, external_ref) WHERE external_ref IS NOT NULL;
CREATE INDEX ix_orders_tenant_status_number ON orders (tenant_id, status, number);
CREATE INDEX ix_orders_tenant_placed_at ON orders (tenant_id, placed_at);
CREATE INDEX ix_orders_tenant_phone ON orders (tenant_id, customer_phone_index) WHERE customer_phone_index IS NOT NULL;
CREATE INDEX ix_orders_tenant_email ON orders (tenant_id, customer_email_index) WHERE customer_email_index IS NOT NULL;

CREATE TABLE order_lines (
    order_id TEXT NOT NULL REFERENCES orders (id),
    line_no INTEGER NOT NULL,
    tenant_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    description TEXT NULL,
    quantity TEXT NOT NULL,
    unit_price TEXT NOT NULL,
    line_total TEXT NOT NULL,
    PRIMARY KEY (order_id, line_no)
);
CREATE INDEX ix_order_lines_tenant_sku ON order_lines (tenant_id, sku);

CREATE TABLE order_status_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id TEXT NOT NULL REFERENCES orders (id),
    tenant_id TEXT NOT NULL,
    status TEXT NOT NULL,
    at INTEGER NOT NULL,
    reason TEXT NULL,
    by TEXT NULL
);
CREATE INDEX ix_order_status_history_order ON order_status_history (order_id, id);

-- Gapless order numbers per tenant: taken and advanced in the same transaction as the order.
CREATE TABLE order_number_sequences (
    tenant_id TEXT NOT NULL PRIMARY KEY,
    next INTEGER NOT NULL
);

-- What this service knows of the catalog, kept from catalog events (and filled in by a batch call on a miss).
CREATE TABLE known_products (
    tenant_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, sku)
);
