-- The archive of closed orders: each order as one document (personal data stays encrypted exactly as it was
-- stored), and the same search tables as the live database, so that "include archived" searches both alike.
CREATE TABLE archived_orders (
    order_id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    status TEXT NOT NULL,
    closed_at INTEGER NULL,
    archived_at INTEGER NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX ix_archived_orders_tenant_number ON archived_orders (tenant_id, number);

CREATE TABLE order_search (
    search_id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    status TEXT NOT NULL,
    channel TEXT NOT NULL,
    external_ref TEXT NULL,
    currency TEXT NOT NULL,
    grand_total TEXT NOT NULL,
    grand_total_sort REAL NOT NULL,
    line_count INTEGER NOT NULL,
    placed_at INTEGER NOT NULL,
    phone_index TEXT NULL,
    email_index TEXT NULL,
    tags TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_order_search_order ON order_search (order_id);
CREATE INDEX ix_order_search_placed ON order_search (tenant_id, placed_at, search_id);
CREATE INDEX ix_order_search_status ON order_search (tenant_id, status, placed_at, search_id);
CREATE INDEX ix_order_search_channel ON order_search (tenant_id, channel, placed_at, search_id);
CREATE INDEX ix_order_search_number ON order_search (tenant_id, number, search_id);
CREATE INDEX ix_order_search_total ON order_search (tenant_id, grand_total_sort, search_id);
CREATE INDEX ix_order_search_phone ON order_search (tenant_id, phone_index) WHERE phone_index IS NOT NULL;
CREATE INDEX ix_order_search_email ON order_search (tenant_id, email_index) WHERE email_index IS NOT NULL;
CREATE INDEX ix_order_search_external_ref ON order_search (tenant_id, external_ref) WHERE external_ref IS NOT NULL;

-- One row per (order, value) for the filters that a page is driven by; placed_at makes a filtered, newest-first page
-- one index range scan that stops after the page.
CREATE TABLE order_search_skus (
    tenant_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    placed_at INTEGER NOT NULL,
    search_id INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, sku, placed_at, search_id)
) WITHOUT ROWID;
CREATE INDEX ix_order_search_skus_search ON order_search_skus (search_id);

CREATE TABLE order_search_tags (
    tenant_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    placed_at INTEGER NOT NULL,
    search_id INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, tag, placed_at, search_id)
) WITHOUT ROWID;
CREATE INDEX ix_order_search_tags_search ON order_search_tags (search_id);

CREATE TABLE order_search_attributes (
    tenant_id TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    placed_at INTEGER NOT NULL,
    search_id INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, name, value, placed_at, search_id)
) WITHOUT ROWID;
CREATE INDEX ix_order_search_attributes_search ON order_search_attributes (search_id);

CREATE VIRTUAL TABLE order_search_text USING fts5(body, content = '', contentless_delete = 1, tokenize = 'trigram');
