-- Carriers: the webhook secret is stored encrypted (AES-GCM under a key in <data>/secrets), never in plain text.
CREATE TABLE carriers (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    tracking_url_template TEXT NOT NULL,
    service_levels TEXT NOT NULL,
    is_default INTEGER NOT NULL,
    webhook_secret TEXT NOT NULL,
    secret_rotated_at INTEGER NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_carriers_tenant_code ON carriers (tenant_id, code);
-- At most one default carrier per tenant, enforced by the database as well as by the API.
CREATE UNIQUE INDEX ux_carriers_tenant_default ON carriers (tenant_id) WHERE is_default = 1;

-- One shipment per (order, request, warehouse): redelivered requests can never create a second one (I3).
CREATE TABLE shipments (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    number TEXT NOT NULL,
    order_id TEXT NOT NULL,
    order_number INTEGER NOT NULL,
    request_id TEXT NOT NULL,
    warehouse TEXT NOT NULL,
    carrier TEXT NULL,
    service_level TEXT NULL,
    requested_delivery_date TEXT NULL,
    status TEXT NOT NULL,
    waybill_number TEXT NULL,
    cancel_reason TEXT NULL,
    failure_reason TEXT NULL,
    created_at INTEGER NOT NULL,
    picked_at INTEGER NULL,
    packed_at INTEGER NULL,
    dispatched_at INTEGER NULL,
    in_transit_at INTEGER NULL,
    delivered_at INTEGER NULL,
    failed_at INTEGER NULL,
    returned_at INTEGER NULL,
    cancelled_at INTEGER NULL,
    last_tracking_at INTEGER NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_shipments_tenant_number ON shipments (tenant_id, number);
CREATE UNIQUE INDEX ux_shipments_tenant_order_request_warehouse ON shipments (tenant_id, order_id, request_id, warehouse);
-- Waybill numbers are unique per carrier within a tenant; tracking webhooks find shipments by them.
CREATE UNIQUE INDEX ux_shipments_tenant_carrier_waybill ON shipments (tenant_id, carrier, waybill_number) WHERE waybill_number IS NOT NULL;
CREATE INDEX ix_shipments_tenant_created ON shipments (tenant_id, created_at);
CREATE INDEX ix_shipments_tenant_status_created ON shipments (tenant_id, status, created_at);
CREATE INDEX ix_shipments_tenant_warehouse_created ON shipments (tenant_id, warehouse, created_at);
CREATE INDEX ix_shipments_tenant_carrier_created ON shipments (tenant_id, carrier, created_at);
-- The list's search finds a shipment by its waybill whatever the carrier.
CREATE INDEX ix_shipments_tenant_waybill ON shipments (tenant_id, waybill_number) WHERE waybill_number IS NOT NULL;

-- Quantities are exact decimals stored as text.
CREATE TABLE shipment_lines (
    shipment_id TEXT NOT NULL REFERENCES shipments (id),
    line_no INTEGER NOT NULL,
    tenant_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    quantity TEXT NOT NULL,
    PRIMARY KEY (shipment_id, line_no)
);
CREATE INDEX ix_shipment_lines_tenant_sku ON shipment_lines (tenant_id, sku);

CREATE TABLE packages (
    shipment_id TEXT NOT NULL REFERENCES shipments (id),
    package_no INTEGER NOT NULL,
    tenant_id TEXT NOT NULL,
    weight_kg TEXT NOT NULL,
    length_cm TEXT NOT NULL,
    width_cm TEXT NOT NULL,
    height_cm TEXT NOT NULL,
    PRIMARY KEY (shipment_id, package_no)
);

CREATE TABLE shipment_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    shipment_id TEXT NOT NULL REFERENCES shipments (id),
    tenant_id TEXT NOT NULL,
    status TEXT NOT NULL,
    at INTEGER NOT NULL,
    by TEXT NOT NULL,
    note TEXT NULL
);
CREATE INDEX ix_shipment_history_shipment ON shipment_history (shipment_id, id);

-- Each ShipmentsRequested once per (order, request), with the lines it asked for.
CREATE TABLE shipment_requests (
    tenant_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    request_id TEXT NOT NULL,
    order_number INTEGER NOT NULL,
    service_level TEXT NULL,
    requested_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    note TEXT NULL,
    PRIMARY KEY (tenant_id, order_id, request_id)
);

CREATE TABLE shipment_request_lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    request_id TEXT NOT NULL,
    warehouse TEXT NOT NULL,
    sku TEXT NOT NULL,
    quantity TEXT NOT NULL,
    FOREIGN KEY (tenant_id, order_id, request_id) REFERENCES shipment_requests (tenant_id, order_id, request_id)
);
CREATE INDEX ix_shipment_request_lines_request ON shipment_request_lines (tenant_id, order_id, request_id);

CREATE TABLE order_cancellations (
    tenant_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    order_number INTEGER NOT NULL,
    reason TEXT NOT NULL,
    cancelled_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, order_id)
);

-- Every tracking update once per (carrier, event id): the webhook's deduplication and the shipments' tracking history.
CREATE TABLE tracking_updates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id TEXT NOT NULL,
    carrier TEXT NOT NULL,
    event_id TEXT NOT NULL,
    waybill_number TEXT NOT NULL,
    shipment_id TEXT NULL,
    status TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    location TEXT NULL,
    reason TEXT NULL,
    received_at INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    note TEXT NULL
);
CREATE UNIQUE INDEX ux_tracking_updates_tenant_carrier_event ON tracking_updates (tenant_id, carrier, event_id);
CREATE INDEX ix_tracking_updates_shipment ON tracking_updates (shipment_id, occurred_at) WHERE shipment_id IS NOT NULL;
CREATE INDEX ix_tracking_updates_unmatched ON tracking_updates (tenant_id, carrier, waybill_number) WHERE shipment_id IS NULL;
CREATE INDEX ix_tracking_updates_unmatched_received ON tracking_updates (tenant_id, received_at) WHERE shipment_id IS NULL;

CREATE TABLE customer_returns (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    number TEXT NOT NULL,
    order_id TEXT NOT NULL,
    order_number INTEGER NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    warehouse TEXT NULL,
    authorized_at INTEGER NOT NULL,
    authorized_by TEXT NOT NULL,
    received_at INTEGER NULL,
    received_by TEXT NULL,
    version INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_customer_returns_tenant_number ON customer_returns (tenant_id, number);
CREATE INDEX ix_customer_returns_tenant_order ON customer_returns (tenant_id, order_id);
CREATE INDEX ix_customer_returns_tenant_authorized ON customer_returns (tenant_id, authorized_at);

CREATE TABLE customer_return_lines (
    return_id TEXT NOT NULL REFERENCES customer_returns (id),
    line_no INTEGER NOT NULL,
    tenant_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    quantity TEXT NOT NULL,
    restocked TEXT NULL,
    damaged TEXT NULL,
    PRIMARY KEY (return_id, line_no)
);

CREATE TABLE document_sequences (
    tenant_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    next INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, kind)
);
