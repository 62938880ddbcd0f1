-- The next release's expand step (docs/adr/0031): a nullable column and a new table, nothing the running release reads
-- or writes changes shape.
ALTER TABLE products ADD COLUMN barcode TEXT NULL;
CREATE TABLE product_barcode_history (
    tenant_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    barcode TEXT NOT NULL,
    set_at INTEGER NOT NULL
);
CREATE INDEX ix_product_barcode_history_sku ON product_barcode_history (tenant_id, sku);
