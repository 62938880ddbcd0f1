CREATE TABLE products (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    unit TEXT NOT NULL,
    price TEXT NOT NULL,
    currency TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_products_tenant_sku ON products (tenant_id, sku);
CREATE INDEX ix_products_tenant_category ON products (tenant_id, category, sku);
