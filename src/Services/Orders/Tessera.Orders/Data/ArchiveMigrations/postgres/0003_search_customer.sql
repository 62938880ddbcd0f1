-- A customer's order history reaches into the archive through the same search column as the live database.
ALTER TABLE order_search ADD COLUMN customer_id uuid NULL;
CREATE INDEX ix_order_search_customer ON order_search (tenant_id, customer_id, placed_at, search_id) WHERE customer_id IS NOT NULL;
