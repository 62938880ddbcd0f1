-- The customer master (ADR 0021): personal data encrypted like an order's, keyed hashes of phone and e-mail and of
-- each word of the name for exact lookups, a plain reference from another system. A merged duplicate keeps its row
-- and points at the customer it was merged into. Expand only: the previous version ignores the new tables and columns.
CREATE TABLE customers (
    id uuid NOT NULL PRIMARY KEY,
    tenant_id text NOT NULL,
    number bigint NOT NULL,
    name text NOT NULL,
    phone text NULL,
    email text NULL,
    phone_index text NULL,
    email_index text NULL,
    reference text NULL,
    notes text NULL,
    addresses text NULL,
    merged_into uuid NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    version bigint NOT NULL
);
CREATE UNIQUE INDEX ux_customers_tenant_number ON customers (tenant_id, number);
CREATE INDEX ix_customers_tenant_phone ON customers (tenant_id, phone_index) WHERE phone_index IS NOT NULL;
CREATE INDEX ix_customers_tenant_email ON customers (tenant_id, email_index) WHERE email_index IS NOT NULL;
CREATE INDEX ix_customers_tenant_reference ON customers (tenant_id, reference) WHERE reference IS NOT NULL;
CREATE INDEX ix_customers_merged_into ON customers (merged_into) WHERE merged_into IS NOT NULL;

-- One row per word of a customer's name, as a keyed hash of the word without diacritics: "binh" finds "Trần Thị Bình".
CREATE TABLE customer_name_tokens (
    tenant_id text NOT NULL,
    token text NOT NULL,
    customer_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, token, customer_id)
);
CREATE INDEX ix_customer_name_tokens_customer ON customer_name_tokens (customer_id);

ALTER TABLE orders ADD COLUMN customer_id uuid NULL;
CREATE INDEX ix_orders_tenant_customer ON orders (tenant_id, customer_id, placed_at) WHERE customer_id IS NOT NULL;

-- An order imported as history: it reached its final status elsewhere, reserves nothing and requests no shipment.
ALTER TABLE orders ADD COLUMN historic boolean NOT NULL DEFAULT false;
-- Payments as JSON: [{"method":"cod","amount":150000,"paidAt":"…"}]; several per order.
ALTER TABLE orders ADD COLUMN payments text NOT NULL DEFAULT '[]';

ALTER TABLE order_search ADD COLUMN customer_id uuid NULL;
CREATE INDEX ix_order_search_customer ON order_search (tenant_id, customer_id, placed_at, search_id) WHERE customer_id IS NOT NULL;
