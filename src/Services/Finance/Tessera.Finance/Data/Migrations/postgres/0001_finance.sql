-- The finance service's books (issue 13), on PostgreSQL (docs/adr/0024): the tables of sqlite/0001_finance.sql with
-- PostgreSQL's own types where EF maps them — amounts numeric, business dates date, flags boolean — and the same forms
-- as on SQLite elsewhere: moments are UTC ticks (bigint), ids lower-case text (finance's own convention, GuidText).

-- One row per tenant: its chart, currency, time zone, tolerances, lock date and the head of its hash chain.
-- generation goes up with every change of the chart, the posting rules or the settings: postings read it with the head
-- and reuse what they cached of the books while it stays the same.
CREATE TABLE ledgers (
    tenant_id text NOT NULL PRIMARY KEY,
    chart text NOT NULL,
    currency text NOT NULL,
    time_zone text NOT NULL,
    bill_tolerance_percent numeric NOT NULL,
    customer_terms_days integer NOT NULL,
    supplier_terms_days integer NOT NULL,
    lock_date date NULL,
    entry_count bigint NOT NULL,
    last_hash text NOT NULL,
    generation bigint NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    version bigint NOT NULL
);

CREATE TABLE accounts (
    tenant_id text NOT NULL,
    code text NOT NULL,
    parent text NULL,
    type text NOT NULL,
    normal_side text NOT NULL,
    statement text NULL,
    role text NULL,
    name text NOT NULL,
    name_vi text NOT NULL,
    active boolean NOT NULL,
    from_template boolean NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    version bigint NOT NULL,
    PRIMARY KEY (tenant_id, code)
);

-- Posting rules as data: every change is a new version, in force for events that happen from effective_from on.
CREATE TABLE posting_rules (
    tenant_id text NOT NULL,
    event text NOT NULL,
    version integer NOT NULL,
    lines text NOT NULL,
    effective_from bigint NOT NULL,
    created_at bigint NOT NULL,
    created_by text NOT NULL,
    note text NULL,
    PRIMARY KEY (tenant_id, event, version)
);

-- The journal: immutable entries, numbered per tenant without gaps, each hash-chained to the one before.
CREATE TABLE journal_entries (
    id text NOT NULL PRIMARY KEY,
    tenant_id text NOT NULL,
    number bigint NOT NULL,
    date date NOT NULL,
    original_date date NULL,
    kind text NOT NULL,
    description text NOT NULL,
    source_type text NULL,
    source_id text NULL,
    rule text NULL,
    rule_version integer NULL,
    reverses text NULL,
    posted_at bigint NOT NULL,
    posted_by text NOT NULL,
    total numeric NOT NULL,
    previous_hash text NOT NULL,
    hash text NOT NULL,
    note text NULL
);
CREATE UNIQUE INDEX ux_journal_entries_tenant_number ON journal_entries (tenant_id, number);
-- One posting per (source document, rule): a repeated event finds its entry and posts nothing.
CREATE UNIQUE INDEX ux_journal_entries_tenant_source_rule ON journal_entries (tenant_id, source_type, source_id, rule)
    WHERE source_type IS NOT NULL AND rule IS NOT NULL;
CREATE INDEX ix_journal_entries_tenant_source ON journal_entries (tenant_id, source_type, source_id);
CREATE INDEX ix_journal_entries_tenant_date ON journal_entries (tenant_id, date, number);
CREATE UNIQUE INDEX ux_journal_entries_reverses ON journal_entries (tenant_id, reverses) WHERE reverses IS NOT NULL;

CREATE TABLE journal_lines (
    entry_id text NOT NULL,
    line_no integer NOT NULL,
    tenant_id text NOT NULL,
    number bigint NOT NULL,
    date date NOT NULL,
    account text NOT NULL,
    debit numeric NOT NULL,
    credit numeric NOT NULL,
    warehouse text NULL,
    document text NULL,
    memo text NULL,
    PRIMARY KEY (entry_id, line_no)
);
-- Account statements and the entry list filtered by account: in date order, then entry number.
CREATE INDEX ix_journal_lines_tenant_account_date ON journal_lines (tenant_id, account, date, number);
CREATE INDEX ix_journal_lines_tenant_document ON journal_lines (tenant_id, document, account) WHERE document IS NOT NULL;

-- Running balances: what each account moved on each business date (closing entries apart, so that an income statement
-- of a closed year still shows the year). The trial balance sums these rows, never the lines.
CREATE TABLE account_days (
    tenant_id text NOT NULL,
    account text NOT NULL,
    date date NOT NULL,
    closing boolean NOT NULL,
    debit numeric NOT NULL,
    credit numeric NOT NULL,
    PRIMARY KEY (tenant_id, account, date, closing)
);
CREATE INDEX ix_account_days_tenant_date ON account_days (tenant_id, date);

CREATE TABLE number_series (
    tenant_id text NOT NULL,
    series text NOT NULL,
    next bigint NOT NULL,
    PRIMARY KEY (tenant_id, series)
);

-- What the orders service priced: kept from OrderPlaced / OrderLinesChanged to invoice deliveries.
CREATE TABLE order_prices (
    order_id text NOT NULL PRIMARY KEY,
    tenant_id text NOT NULL,
    number bigint NOT NULL,
    currency text NOT NULL,
    shipping_fee numeric NOT NULL,
    shipping_invoiced boolean NOT NULL,
    updated_at bigint NOT NULL
);
CREATE TABLE order_price_lines (
    order_id text NOT NULL,
    line_no integer NOT NULL,
    tenant_id text NOT NULL,
    sku text NOT NULL,
    quantity numeric NOT NULL,
    unit_price numeric NOT NULL,
    discount numeric NOT NULL,
    allocated_discount numeric NOT NULL,
    tax_rate numeric NOT NULL,
    tax_amount numeric NOT NULL,
    line_total numeric NOT NULL,
    invoiced_quantity numeric NOT NULL,
    invoiced_net numeric NOT NULL,
    invoiced_tax numeric NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

-- Shipments as the ledger follows them: the cost that left (157) and whether it was delivered, invoiced or came back.
CREATE TABLE shipments (
    shipment_id text NOT NULL PRIMARY KEY,
    tenant_id text NOT NULL,
    order_id text NOT NULL,
    warehouse text NOT NULL,
    issued_value numeric NULL,
    issued_at bigint NULL,
    delivered_at bigint NULL,
    delivered_lines text NULL,
    cogs_posted boolean NOT NULL,
    invoice_id text NULL,
    returned_value numeric NULL,
    updated_at bigint NOT NULL
);
CREATE INDEX ix_shipments_tenant_order ON shipments (tenant_id, order_id);
CREATE INDEX ix_shipments_waiting ON shipments (tenant_id, order_id) WHERE delivered_at IS NOT NULL AND (invoice_id IS NULL OR cogs_posted = false);

CREATE TABLE customer_returns (
    return_id text NOT NULL PRIMARY KEY,
    tenant_id text NOT NULL,
    order_id text NOT NULL,
    number text NOT NULL,
    lines text NOT NULL,
    received_at bigint NOT NULL,
    credit_note_id text NULL
);
CREATE INDEX ix_customer_returns_tenant_order ON customer_returns (tenant_id, order_id);

CREATE TABLE invoices (
    id text NOT NULL PRIMARY KEY,
    tenant_id text NOT NULL,
    number text NOT NULL,
    sequence bigint NOT NULL,
    order_id text NOT NULL,
    order_number bigint NULL,
    shipment_id text NULL,
    date date NOT NULL,
    due_date date NOT NULL,
    currency text NOT NULL,
    net numeric NOT NULL,
    tax numeric NOT NULL,
    total numeric NOT NULL,
    credited numeric NOT NULL,
    paid numeric NOT NULL,
    entry_id text NOT NULL,
    created_at bigint NOT NULL,
    version bigint NOT NULL
);
CREATE UNIQUE INDEX ux_invoices_tenant_number ON invoices (tenant_id, number);
CREATE UNIQUE INDEX ux_invoices_shipment ON invoices (tenant_id, shipment_id) WHERE shipment_id IS NOT NULL;
CREATE INDEX ix_invoices_tenant_order ON invoices (tenant_id, order_id);
CREATE INDEX ix_invoices_tenant_sequence ON invoices (tenant_id, sequence);
CREATE TABLE invoice_lines (
    invoice_id text NOT NULL,
    line_no integer NOT NULL,
    tenant_id text NOT NULL,
    kind text NOT NULL,
    order_line_no integer NULL,
    sku text NULL,
    description text NOT NULL,
    quantity numeric NOT NULL,
    unit_price numeric NOT NULL,
    discount numeric NOT NULL,
    net numeric NOT NULL,
    tax_rate numeric NOT NULL,
    tax numeric NOT NULL,
    credited_quantity numeric NOT NULL,
    credited_net numeric NOT NULL,
    credited_tax numeric NOT NULL,
    PRIMARY KEY (invoice_id, line_no)
);

CREATE TABLE credit_notes (
    id text NOT NULL PRIMARY KEY,
    tenant_id text NOT NULL,
    number text NOT NULL,
    sequence bigint NOT NULL,
    invoice_id text NOT NULL,
    order_id text NOT NULL,
    return_id text NULL,
    date date NOT NULL,
    currency text NOT NULL,
    net numeric NOT NULL,
    tax numeric NOT NULL,
    total numeric NOT NULL,
    entry_id text NOT NULL,
    created_at bigint NOT NULL
);
CREATE UNIQUE INDEX ux_credit_notes_tenant_number ON credit_notes (tenant_id, number);
CREATE INDEX ix_credit_notes_tenant_invoice ON credit_notes (tenant_id, invoice_id);
CREATE TABLE credit_note_lines (
    credit_note_id text NOT NULL,
    line_no integer NOT NULL,
    tenant_id text NOT NULL,
    invoice_line_no integer NOT NULL,
    kind text NOT NULL,
    sku text NULL,
    description text NOT NULL,
    quantity numeric NOT NULL,
    unit_price numeric NOT NULL,
    net numeric NOT NULL,
    tax_rate numeric NOT NULL,
    tax numeric NOT NULL,
    PRIMARY KEY (credit_note_id, line_no)
);

CREATE TABLE payments (
    id text NOT NULL PRIMARY KEY,
    tenant_id text NOT NULL,
    number text NOT NULL,
    sequence bigint NOT NULL,
    kind text NOT NULL,
    date date NOT NULL,
    method text NOT NULL,
    currency text NOT NULL,
    amount numeric NOT NULL,
    fee numeric NOT NULL,
    allocated numeric NOT NULL,
    reference text NULL,
    entry_id text NOT NULL,
    recorded_at bigint NOT NULL,
    recorded_by text NOT NULL,
    version bigint NOT NULL
);
CREATE UNIQUE INDEX ux_payments_tenant_number ON payments (tenant_id, number);
CREATE INDEX ix_payments_tenant_kind_sequence ON payments (tenant_id, kind, sequence);
CREATE TABLE payment_allocations (
    payment_id text NOT NULL,
    line_no integer NOT NULL,
    tenant_id text NOT NULL,
    document_id text NOT NULL,
    document_type text NOT NULL,
    document_number text NOT NULL,
    amount numeric NOT NULL,
    date date NOT NULL,
    entry_id text NOT NULL,
    PRIMARY KEY (payment_id, line_no)
);
CREATE INDEX ix_payment_allocations_document ON payment_allocations (tenant_id, document_id);

-- Purchase orders as procurement approved them, and what was received on each line (for the three-way match).
CREATE TABLE purchase_orders (
    purchase_order_id text NOT NULL PRIMARY KEY,
    tenant_id text NOT NULL,
    number text NOT NULL,
    supplier_id text NOT NULL,
    warehouse text NOT NULL,
    currency text NOT NULL,
    approved_at bigint NOT NULL
);
CREATE TABLE purchase_order_lines (
    purchase_order_id text NOT NULL,
    line_no integer NOT NULL,
    tenant_id text NOT NULL,
    sku text NOT NULL,
    quantity numeric NOT NULL,
    unit_price numeric NOT NULL,
    received_quantity numeric NOT NULL,
    billed_quantity numeric NOT NULL,
    PRIMARY KEY (purchase_order_id, line_no)
);
CREATE TABLE received_goods (
    receipt_id text NOT NULL PRIMARY KEY,
    tenant_id text NOT NULL,
    purchase_order_id text NOT NULL,
    number text NOT NULL,
    received_at bigint NOT NULL
);

CREATE TABLE bills (
    id text NOT NULL PRIMARY KEY,
    tenant_id text NOT NULL,
    number text NOT NULL,
    sequence bigint NOT NULL,
    purchase_order_id text NOT NULL,
    supplier_id text NULL,
    supplier_invoice_number text NOT NULL,
    date date NOT NULL,
    due_date date NOT NULL,
    currency text NOT NULL,
    status text NOT NULL,
    hold_reasons text NULL,
    net numeric NOT NULL,
    tax numeric NOT NULL,
    total numeric NOT NULL,
    variance numeric NOT NULL,
    paid numeric NOT NULL,
    entry_id text NULL,
    created_at bigint NOT NULL,
    created_by text NOT NULL,
    approved_at bigint NULL,
    version bigint NOT NULL
);
CREATE UNIQUE INDEX ux_bills_tenant_number ON bills (tenant_id, number);
CREATE UNIQUE INDEX ux_bills_supplier_invoice ON bills (tenant_id, purchase_order_id, supplier_invoice_number);
CREATE INDEX ix_bills_tenant_sequence ON bills (tenant_id, sequence);
CREATE TABLE bill_lines (
    bill_id text NOT NULL,
    line_no integer NOT NULL,
    tenant_id text NOT NULL,
    purchase_order_line_no integer NOT NULL,
    sku text NOT NULL,
    quantity numeric NOT NULL,
    unit_price numeric NOT NULL,
    tax_rate numeric NOT NULL,
    net numeric NOT NULL,
    tax numeric NOT NULL,
    purchase_order_unit_price numeric NOT NULL,
    PRIMARY KEY (bill_id, line_no)
);

CREATE TABLE fiscal_years (
    tenant_id text NOT NULL,
    year integer NOT NULL,
    status text NOT NULL,
    closing_entry_id text NULL,
    closed_at bigint NULL,
    closed_by text NULL,
    PRIMARY KEY (tenant_id, year)
);

-- Who moved the lock date, closed or reopened a year, and why: kept for the auditor.
CREATE TABLE period_changes (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    tenant_id text NOT NULL,
    action text NOT NULL,
    lock_before date NULL,
    lock_after date NULL,
    year integer NULL,
    by text NOT NULL,
    reason text NULL,
    at bigint NOT NULL
);
CREATE INDEX ix_period_changes_tenant ON period_changes (tenant_id, id);
