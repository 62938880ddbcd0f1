-- The unified order model. Expand only: every new column has a default, so the previous version keeps working
-- against this schema during a rolling upgrade.
ALTER TABLE orders ADD COLUMN customer_reference TEXT NULL;
ALTER TABLE orders ADD COLUMN shipping_consignee TEXT NULL;
ALTER TABLE orders ADD COLUMN shipping_phone TEXT NULL;
ALTER TABLE orders ADD COLUMN shipping_address TEXT NULL;
ALTER TABLE orders ADD COLUMN shipping_requested_delivery_date TEXT NULL;
ALTER TABLE orders ADD COLUMN shipping_service_level TEXT NULL;
ALTER TABLE orders ADD COLUMN marketing TEXT NOT NULL DEFAULT '{"couponCodes":[],"promotionCodes":[],"discounts":[]}';
ALTER TABLE orders ADD COLUMN subtotal TEXT NOT NULL DEFAULT '0';
ALTER TABLE orders ADD COLUMN discount_total TEXT NOT NULL DEFAULT '0';
ALTER TABLE orders ADD COLUMN tax_total TEXT NOT NULL DEFAULT '0';
ALTER TABLE orders ADD COLUMN shipping_fee TEXT NOT NULL DEFAULT '0';
ALTER TABLE orders ADD COLUMN payment_method TEXT NULL;
ALTER TABLE orders ADD COLUMN payment_status TEXT NOT NULL DEFAULT 'Unpaid';
ALTER TABLE orders ADD COLUMN preferred_warehouse TEXT NULL;
ALTER TABLE orders ADD COLUMN notes TEXT NULL;
ALTER TABLE orders ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE orders ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';
ALTER TABLE orders ADD COLUMN pending_change TEXT NULL;
ALTER TABLE orders ADD COLUMN closed_at INTEGER NULL;
-- Orders of the first version had neither discounts nor tax: their subtotal is their total.
UPDATE orders SET subtotal = total;
UPDATE orders SET closed_at = updated_at WHERE status IN ('Cancelled', 'Rejected');
CREATE INDEX ix_orders_closed_at ON orders (closed_at) WHERE closed_at IS NOT NULL;

ALTER TABLE order_lines ADD COLUMN discount TEXT NOT NULL DEFAULT '0';
ALTER TABLE order_lines ADD COLUMN allocated_discount TEXT NOT NULL DEFAULT '0';
ALTER TABLE order_lines ADD COLUMN tax_rate TEXT NOT NULL DEFAULT '0';
ALTER TABLE order_lines ADD COLUMN tax_amount TEXT NOT NULL DEFAULT '0';

-- The order's whole story: status changes, edits, and what other services reported.
CREATE TABLE order_timeline (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id TEXT NOT NULL REFERENCES orders (id),
    tenant_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    by TEXT NULL,
    summary TEXT NOT NULL
);
CREATE INDEX ix_order_timeline_order ON order_timeline (order_id, id);
INSERT INTO order_timeline (order_id, tenant_id, at, kind, by, summary)
SELECT order_id, tenant_id, at, 'status', by, CASE WHEN reason IS NULL THEN status ELSE status || ': ' || reason END
FROM order_status_history ORDER BY id;

CREATE TABLE attribute_definitions (
    tenant_id TEXT NOT NULL,
    name TEXT NOT NULL,
    label TEXT NOT NULL,
    type TEXT NOT NULL,
    required INTEGER NOT NULL,
    allowed_values TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, name)
);
