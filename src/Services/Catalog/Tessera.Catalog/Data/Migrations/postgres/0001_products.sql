CREATE TABLE products (
    id uuid NOT NULL PRIMARY KEY,
    tenant_id text NOT NULL,
    sku text NOT NULL,
    name text NOT NULL,
    category text NOT NULL,
    unit text NOT NULL,
    price numeric NOT NULL,
    currency text NOT NULL,
    version bigint NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);
CREATE UNIQUE INDEX ux_products_tenant_sku ON products (tenant_id, sku);
CREATE INDEX ix_products_tenant_category ON products (tenant_id, category, sku);
