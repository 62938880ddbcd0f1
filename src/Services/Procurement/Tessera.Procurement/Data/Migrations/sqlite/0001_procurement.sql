-- Quantities and money are exact decimals stored as text; instants are UTC ticks; dates (validity) are ISO text.

CREATE TABLE suppliers (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    tax_id TEXT NULL,
    -- The contact person is personal data: encrypted values and keyed hashes only, never plaintext.
    contact_name TEXT NULL,
    contact_phone TEXT NULL,
    contact_email TEXT NULL,
    contact_address TEXT NULL,
    contact_phone_index TEXT NULL,
    contact_email_index TEXT NULL,
    payment_terms_days INTEGER NOT NULL,
    currency TEXT NOT NULL,
    is_active INTEGER NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_suppliers_tenant_code ON suppliers (tenant_id, code);
CREATE INDEX ix_suppliers_tenant_name ON suppliers (tenant_id, name);
CREATE INDEX ix_suppliers_tenant_phone ON suppliers (tenant_id, contact_phone_index) WHERE contact_phone_index IS NOT NULL;
CREATE INDEX ix_suppliers_tenant_email ON suppliers (tenant_id, contact_email_index) WHERE contact_email_index IS NOT NULL;

CREATE TABLE supplier_prices (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    supplier_id TEXT NOT NULL REFERENCES suppliers (id),
    sku TEXT NOT NULL,
    unit_price TEXT NOT NULL,
    currency TEXT NOT NULL,
    min_quantity TEXT NOT NULL,
    lead_time_days INTEGER NOT NULL,
    valid_from TEXT NULL,
    valid_to TEXT NULL,
    preferred INTEGER NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX ix_supplier_prices_tenant_sku ON supplier_prices (tenant_id, sku);
CREATE INDEX ix_supplier_prices_tenant_supplier_sku ON supplier_prices (tenant_id, supplier_id, sku);

CREATE TABLE purchase_orders (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    number TEXT NOT NULL,
    supplier_id TEXT NOT NULL REFERENCES suppliers (id),
    warehouse TEXT NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    origin TEXT NOT NULL,
    reference TEXT NULL,
    expected_date TEXT NULL,
    subtotal TEXT NOT NULL,
    tax_total TEXT NOT NULL,
    total TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL
);
-- Gapless per tenant: the number is taken in the transaction that creates the order.
CREATE UNIQUE INDEX ux_purchase_orders_tenant_sequence ON purchase_orders (tenant_id, sequence);
CREATE INDEX ix_purchase_orders_tenant_status_sequence ON purchase_orders (tenant_id, status, sequence);
CREATE INDEX ix_purchase_orders_tenant_supplier_sequence ON purchase_orders (tenant_id, supplier_id, sequence);
CREATE INDEX ix_purchase_orders_tenant_warehouse_sequence ON purchase_orders (tenant_id, warehouse, sequence);
CREATE INDEX ix_purchase_orders_tenant_created ON purchase_orders (tenant_id, created_at);

CREATE TABLE purchase_order_lines (
    purchase_order_id TEXT NOT NULL REFERENCES purchase_orders (id),
    line_no INTEGER NOT NULL,
    tenant_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    quantity TEXT NOT NULL,
    unit_price TEXT NOT NULL,
    tax_rate TEXT NOT NULL,
    subtotal TEXT NOT NULL,
    tax_amount TEXT NOT NULL,
    total TEXT NOT NULL,
    received_quantity TEXT NOT NULL,
    rejected_quantity TEXT NOT NULL,
    PRIMARY KEY (purchase_order_id, line_no)
);
CREATE INDEX ix_purchase_order_lines_tenant_sku ON purchase_order_lines (tenant_id, sku);

CREATE TABLE purchase_order_status_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    purchase_order_id TEXT NOT NULL REFERENCES purchase_orders (id),
    tenant_id TEXT NOT NULL,
    status TEXT NOT NULL,
    at INTEGER NOT NULL,
    by TEXT NOT NULL,
    reason TEXT NULL
);
CREATE INDEX ix_purchase_order_status_history_order ON purchase_order_status_history (purchase_order_id, id);

CREATE TABLE goods_receipts (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    number TEXT NOT NULL,
    purchase_order_id TEXT NOT NULL REFERENCES purchase_orders (id),
    supplier_id TEXT NOT NULL,
    warehouse TEXT NOT NULL,
    currency TEXT NOT NULL,
    delivery_note TEXT NULL,
    received_at INTEGER NOT NULL,
    received_by TEXT NOT NULL,
    posting TEXT NOT NULL,
    posted_at INTEGER NULL
);
CREATE UNIQUE INDEX ux_goods_receipts_tenant_sequence ON goods_receipts (tenant_id, sequence);
CREATE INDEX ix_goods_receipts_purchase_order ON goods_receipts (purchase_order_id, sequence);
CREATE INDEX ix_goods_receipts_tenant_supplier_warehouse ON goods_receipts (tenant_id, supplier_id, warehouse);
CREATE INDEX ix_goods_receipts_tenant_posting ON goods_receipts (tenant_id, posting, sequence);

CREATE TABLE goods_receipt_lines (
    receipt_id TEXT NOT NULL REFERENCES goods_receipts (id),
    line_no INTEGER NOT NULL,
    tenant_id TEXT NOT NULL,
    purchase_order_line_no INTEGER NOT NULL,
    sku TEXT NOT NULL,
    accepted_quantity TEXT NOT NULL,
    rejected_quantity TEXT NOT NULL,
    rejection_reason TEXT NULL,
    unit_cost TEXT NOT NULL,
    returned_quantity TEXT NOT NULL,
    PRIMARY KEY (receipt_id, line_no)
);
CREATE INDEX ix_goods_receipt_lines_tenant_sku ON goods_receipt_lines (tenant_id, sku);

CREATE TABLE supplier_returns (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    number TEXT NOT NULL,
    supplier_id TEXT NOT NULL REFERENCES suppliers (id),
    purchase_order_id TEXT NULL,
    receipt_id TEXT NULL,
    warehouse TEXT NOT NULL,
    currency TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    refusal_reason TEXT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    shipped_at INTEGER NULL,
    shipped_by TEXT NULL,
    settled_at INTEGER NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_supplier_returns_tenant_sequence ON supplier_returns (tenant_id, sequence);
CREATE INDEX ix_supplier_returns_tenant_status_sequence ON supplier_returns (tenant_id, status, sequence);
CREATE INDEX ix_supplier_returns_purchase_order ON supplier_returns (purchase_order_id) WHERE purchase_order_id IS NOT NULL;
CREATE INDEX ix_supplier_returns_receipt ON supplier_returns (receipt_id) WHERE receipt_id IS NOT NULL;

CREATE TABLE supplier_return_lines (
    return_id TEXT NOT NULL REFERENCES supplier_returns (id),
    line_no INTEGER NOT NULL,
    tenant_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    quantity TEXT NOT NULL,
    unit_price TEXT NOT NULL,
    PRIMARY KEY (return_id, line_no)
);

-- Which receipt lines a return line takes its goods from; released when the return is cancelled or refused.
CREATE TABLE supplier_return_allocations (
    return_id TEXT NOT NULL REFERENCES supplier_returns (id),
    line_no INTEGER NOT NULL,
    receipt_id TEXT NOT NULL,
    receipt_line_no INTEGER NOT NULL,
    tenant_id TEXT NOT NULL,
    quantity TEXT NOT NULL,
    unit_cost TEXT NOT NULL,
    released INTEGER NOT NULL,
    PRIMARY KEY (return_id, line_no, receipt_id, receipt_line_no),
    FOREIGN KEY (receipt_id, receipt_line_no) REFERENCES goods_receipt_lines (receipt_id, line_no)
);

CREATE TABLE reorder_suggestions (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    warehouse TEXT NOT NULL,
    suggested_quantity TEXT NOT NULL,
    available TEXT NOT NULL,
    reorder_point TEXT NOT NULL,
    reorder_quantity TEXT NOT NULL,
    status TEXT NOT NULL,
    supplier_id TEXT NULL,
    purchase_order_id TEXT NULL,
    unit_price TEXT NULL,
    currency TEXT NULL,
    dismiss_reason TEXT NULL,
    dismissed_by TEXT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX ix_reorder_suggestions_tenant_sku_warehouse ON reorder_suggestions (tenant_id, sku, warehouse, status);
CREATE INDEX ix_reorder_suggestions_tenant_status_created ON reorder_suggestions (tenant_id, status, created_at);
CREATE INDEX ix_reorder_suggestions_purchase_order ON reorder_suggestions (purchase_order_id) WHERE purchase_order_id IS NOT NULL;

CREATE TABLE number_sequences (
    tenant_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    next INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, kind)
);

CREATE TABLE procurement_settings (
    tenant_id TEXT NOT NULL PRIMARY KEY,
    over_receipt_tolerance_percent TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL
);
