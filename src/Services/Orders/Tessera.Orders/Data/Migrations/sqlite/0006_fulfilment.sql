-- The fulfilment process manager (ADR 0010): one row per order from its confirmation on, with the shipments logistics
-- reports, what inventory holds for the order, the compensations a cancellation waits for, alerts, customer returns
-- and the stock movements inventory posted for the order. New tables only: the previous version ignores them.
CREATE TABLE fulfilments (
    order_id TEXT NOT NULL PRIMARY KEY REFERENCES orders (id),
    tenant_id TEXT NOT NULL,
    order_number INTEGER NOT NULL,
    state TEXT NOT NULL,
    request_id TEXT NULL,
    requested_at INTEGER NULL,
    requested TEXT NULL,
    service_level TEXT NULL,
    dispatch_due_at INTEGER NULL,
    reservation_recorded INTEGER NOT NULL,
    applied_adjustments TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
-- The deadline job looks for requests past their dispatch deadline.
CREATE INDEX ix_fulfilments_state_dispatch_due ON fulfilments (state, dispatch_due_at);

CREATE TABLE fulfilment_shipments (
    shipment_id TEXT NOT NULL PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES fulfilments (order_id),
    tenant_id TEXT NOT NULL,
    number TEXT NULL,
    request_id TEXT NULL,
    warehouse TEXT NOT NULL,
    lines TEXT NOT NULL,
    status TEXT NOT NULL,
    carrier TEXT NULL,
    waybill_number TEXT NULL,
    packages INTEGER NULL,
    created_at INTEGER NULL,
    picked_at INTEGER NULL,
    packed_at INTEGER NULL,
    dispatched_at INTEGER NULL,
    in_transit_at INTEGER NULL,
    delivered_at INTEGER NULL,
    delivery_failed_at INTEGER NULL,
    failure_reason TEXT NULL,
    returned_at INTEGER NULL,
    cancelled_at INTEGER NULL,
    cancel_reason TEXT NULL,
    delivery_due_at INTEGER NULL
);
CREATE INDEX ix_fulfilment_shipments_order ON fulfilment_shipments (order_id);
-- The deadline job looks for shipments on their way past their delivery deadline.
CREATE INDEX ix_fulfilment_shipments_status_delivery_due ON fulfilment_shipments (status, delivery_due_at);

CREATE TABLE fulfilment_allocations (
    order_id TEXT NOT NULL REFERENCES fulfilments (order_id),
    tenant_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    warehouse TEXT NOT NULL,
    quantity TEXT NOT NULL,
    PRIMARY KEY (order_id, sku, warehouse)
) WITHOUT ROWID;

CREATE TABLE fulfilment_compensations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id TEXT NOT NULL REFERENCES fulfilments (order_id),
    tenant_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    service TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    settled_at INTEGER NULL,
    note TEXT NULL
);
CREATE UNIQUE INDEX ux_fulfilment_compensations_order_kind_subject ON fulfilment_compensations (order_id, kind, subject);

-- An alert is raised once per (order, kind, subject): the unique index makes a second raise fail rather than repeat.
CREATE TABLE fulfilment_alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id TEXT NOT NULL REFERENCES fulfilments (order_id),
    tenant_id TEXT NOT NULL,
    order_number INTEGER NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    shipment_id TEXT NULL,
    message TEXT NOT NULL,
    raised_at INTEGER NOT NULL,
    cleared_at INTEGER NULL,
    cleared_by TEXT NULL,
    cleared_because TEXT NULL
);
CREATE UNIQUE INDEX ux_fulfilment_alerts_order_kind_subject ON fulfilment_alerts (order_id, kind, subject);
-- The open alerts list: newest first per tenant, one index range.
CREATE INDEX ix_fulfilment_alerts_open ON fulfilment_alerts (tenant_id, raised_at, id) WHERE cleared_at IS NULL;
CREATE INDEX ix_fulfilment_alerts_tenant_raised ON fulfilment_alerts (tenant_id, raised_at, id);

CREATE TABLE fulfilment_returns (
    return_id TEXT NOT NULL PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES fulfilments (order_id),
    tenant_id TEXT NOT NULL,
    number TEXT NOT NULL,
    reason TEXT NULL,
    authorized TEXT NOT NULL,
    received TEXT NOT NULL,
    warehouse TEXT NULL,
    authorized_at INTEGER NULL,
    received_at INTEGER NULL
);
CREATE INDEX ix_fulfilment_returns_order ON fulfilment_returns (order_id);

CREATE TABLE fulfilment_movements (
    order_id TEXT NOT NULL REFERENCES fulfilments (order_id),
    tenant_id TEXT NOT NULL,
    movement_type TEXT NOT NULL,
    source_type TEXT NOT NULL,
    source_id TEXT NOT NULL,
    warehouse TEXT NOT NULL,
    lines TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (order_id, movement_type, source_type, source_id, warehouse)
) WITHOUT ROWID;
