-- The next release's expand step (docs/adr/0031): a nullable column and a new table, nothing the running release reads
-- or writes changes shape.
ALTER TABLE products ADD COLUMN barcode text NULL;
CREATE TABLE product_barcode_history (
    tenant_id text NOT NULL,
    sku text NOT NULL,
    barcode text NOT NULL,
    set_at bigint NOT NULL
);
CREATE INDEX ix_product_barcode_history_sku ON product_barcode_history (tenant_id, sku);
