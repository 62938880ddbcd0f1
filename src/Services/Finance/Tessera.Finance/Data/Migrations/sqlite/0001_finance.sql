-- The finance service's books (issue 13). Amounts are decimals stored as text (summed exactly with EF's ef_sum/ef_add),
-- business dates are 'yyyy-MM-dd' text, moments are UTC ticks, ids are lower-case text.

-- One row per tenant: its chart, currency, time zone, tolerances, lock date and the head of its hash chain.
-- generation goes up with every change of the chart, the posting rules or the settings: postings read it with the head
-- and reuse what they cached of the books while it stays the same.
CREATE TABLE ledgers (
    tenant_id TEXT NOT NULL PRIMARY KEY,
    chart TEXT NOT NULL,
    currency TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    bill_tolerance_percent TEXT NOT NULL,
    customer_terms_days INTEGER NOT NULL,
    supplier_terms_days INTEGER NOT NULL,
    lock_date TEXT NULL,
    entry_count INTEGER NOT NULL,
    last_hash TEXT NOT NULL,
    generation INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE accounts (
    tenant_id TEXT NOT NULL,
    code TEXT NOT NULL,
    parent TEXT NULL,
    type TEXT NOT NULL,
    normal_side TEXT NOT NULL,
    statement TEXT NULL,
    role TEXT NULL,
    name TEXT NOT NULL,
    name_vi TEXT NOT NULL,
    active INTEGER NOT NULL,
    from_template INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, code)
);

-- Posting rules as data: every change is a new version, in force for events that happen from effective_from on.
CREATE TABLE posting_rules (
    tenant_id TEXT NOT NULL,
    event TEXT NOT NULL,
    version INTEGER NOT NULL,
    lines TEXT NOT NULL,
    effective_from INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    note TEXT NULL,
    PRIMARY KEY (tenant_id, event, version)
);

-- The journal: immutable entries, numbered per tenant without gaps, each hash-chained to the one before.
CREATE TABLE journal_entries (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    date TEXT NOT NULL,
    original_date TEXT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    source_type TEXT NULL,
    source_id TEXT NULL,
    rule TEXT NULL,
    rule_version INTEGER NULL,
    reverses TEXT NULL,
    posted_at INTEGER NOT NULL,
    posted_by TEXT NOT NULL,
    total TEXT NOT NULL,
    previous_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    note TEXT NULL
);
CREATE UNIQUE INDEX ux_journal_entries_tenant_number ON journal_entries (tenant_id, number);
-- One posting per (source document, rule): a repeated event finds its entry and posts nothing.
CREATE UNIQUE INDEX ux_journal_entries_tenant_source_rule ON journal_entries (tenant_id, source_type, source_id, rule)
    WHERE source_type IS NOT NULL AND rule IS NOT NULL;
CREATE INDEX ix_journal_entries_tenant_source ON journal_entries (tenant_id, source_type, source_id);
CREATE INDEX ix_journal_entries_tenant_date ON journal_entries (tenant_id, date, number);
CREATE UNIQUE INDEX ux_journal_entries_reverses ON journal_entries (tenant_id, reverses) WHERE reverses IS NOT NULL;

CREATE TABLE journal_lines (
    entry_id TEXT NOT NULL,
    line_no INTEGER NOT NULL,
    tenant_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    date TEXT NOT NULL,
    account TEXT NOT NULL,
    debit TEXT NOT NULL,
    credit TEXT NOT NULL,
    warehouse TEXT NULL,
    document TEXT NULL,
    memo TEXT NULL,
    PRIMARY KEY (entry_id, line_no)
);
-- Account statements and the entry list filtered by account: in date order, then entry number.
CREATE INDEX ix_journal_lines_tenant_account_date ON journal_lines (tenant_id, account, date, number);
CREATE INDEX ix_journal_lines_tenant_document ON journal_lines (tenant_id, document, account) WHERE document IS NOT NULL;

-- Running balances: what each account moved on each business date (closing entries apart, so that an income statement
-- of a closed year still shows the year). The trial balance sums these rows, never the lines.
CREATE TABLE account_days (
    tenant_id TEXT NOT NULL,
    account TEXT NOT NULL,
    date TEXT NOT NULL,
    closing INTEGER NOT NULL,
    debit TEXT NOT NULL,
    credit TEXT NOT NULL,
    PRIMARY KEY (tenant_id, account, date, closing)
);
CREATE INDEX ix_account_days_tenant_date ON account_days (tenant_id, date);

CREATE TABLE number_series (
    tenant_id TEXT NOT NULL,
    series TEXT NOT NULL,
    next INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, series)
);

-- What the orders service priced: kept from OrderPlaced / OrderLinesChanged to invoice deliveries.
CREATE TABLE order_prices (
    order_id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    currency TEXT NOT NULL,
    shipping_fee TEXT NOT NULL,
    shipping_invoiced INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE order_price_lines (
    order_id TEXT NOT NULL,
    line_no INTEGER NOT NULL,
    tenant_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    quantity TEXT NOT NULL,
    unit_price TEXT NOT NULL,
    discount TEXT NOT NULL,
    allocated_discount TEXT NOT NULL,
    tax_rate TEXT NOT NULL,
    tax_amount TEXT NOT NULL,
    line_total TEXT NOT NULL,
    invoiced_quantity TEXT NOT NULL,
    invoiced_net TEXT NOT NULL,
    invoiced_tax TEXT NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

-- Shipments as the ledger follows them: the cost that left (157) and whether it was delivered, invoiced or came back.
CREATE TABLE shipments (
    shipment_id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    warehouse TEXT NOT NULL,
    issued_value TEXT NULL,
    issued_at INTEGER NULL,
    delivered_at INTEGER NULL,
    delivered_lines TEXT NULL,
    cogs_posted INTEGER NOT NULL,
    invoice_id TEXT NULL,
    returned_value TEXT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX ix_shipments_tenant_order ON shipments (tenant_id, order_id);
CREATE INDEX ix_shipments_waiting ON shipments (tenant_id, order_id) WHERE delivered_at IS NOT NULL AND (invoice_id IS NULL OR cogs_posted = 0);

CREATE TABLE customer_returns (
    return_id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    number TEXT NOT NULL,
    lines TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    credit_note_id TEXT NULL
);
CREATE INDEX ix_customer_returns_tenant_order ON customer_returns (tenant_id, order_id);

CREATE TABLE invoices (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    number TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    order_id TEXT NOT NULL,
    order_number INTEGER NULL,
    shipment_id TEXT NULL,
    date TEXT NOT NULL,
    due_date TEXT NOT NULL,
    currency TEXT NOT NULL,
    net TEXT NOT NULL,
    tax TEXT NOT NULL,
    total TEXT NOT NULL,
    credited TEXT NOT NULL,
    paid TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    version INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_invoices_tenant_number ON invoices (tenant_id, number);
CREATE UNIQUE INDEX ux_invoices_shipment ON invoices (tenant_id, shipment_id) WHERE shipment_id IS NOT NULL;
CREATE INDEX ix_invoices_tenant_order ON invoices (tenant_id, order_id);
CREATE INDEX ix_invoices_tenant_sequence ON invoices (tenant_id, sequence);
CREATE TABLE invoice_lines (
    invoice_id TEXT NOT NULL,
    line_no INTEGER NOT NULL,
    tenant_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    order_line_no INTEGER NULL,
    sku TEXT NULL,
    description TEXT NOT NULL,
    quantity TEXT NOT NULL,
    unit_price TEXT NOT NULL,
    discount TEXT NOT NULL,
    net TEXT NOT NULL,
    tax_rate TEXT NOT NULL,
    tax TEXT NOT NULL,
    credited_quantity TEXT NOT NULL,
    credited_net TEXT NOT NULL,
    credited_tax TEXT NOT NULL,
    PRIMARY KEY (invoice_id, line_no)
);

CREATE TABLE credit_notes (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    number TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    invoice_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    return_id TEXT NULL,
    date TEXT NOT NULL,
    currency TEXT NOT NULL,
    net TEXT NOT NULL,
    tax TEXT NOT NULL,
    total TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_credit_notes_tenant_number ON credit_notes (tenant_id, number);
CREATE INDEX ix_credit_notes_tenant_invoice ON credit_notes (tenant_id, invoice_id);
CREATE TABLE credit_note_lines (
    credit_note_id TEXT NOT NULL,
    line_no INTEGER NOT NULL,
    tenant_id TEXT NOT NULL,
    invoice_line_no INTEGER NOT NULL,
    kind TEXT NOT NULL,
    sku TEXT NULL,
    description TEXT NOT NULL,
    quantity TEXT NOT NULL,
    unit_price TEXT NOT NULL,
    net TEXT NOT NULL,
    tax_rate TEXT NOT NULL,
    tax TEXT NOT NULL,
    PRIMARY KEY (credit_note_id, line_no)
);

CREATE TABLE payments (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    number TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    kind TEXT NOT NULL,
    date TEXT NOT NULL,
    method TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount TEXT NOT NULL,
    fee TEXT NOT NULL,
    allocated TEXT NOT NULL,
    reference TEXT NULL,
    entry_id TEXT NOT NULL,
    recorded_at INTEGER NOT NULL,
    recorded_by TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_payments_tenant_number ON payments (tenant_id, number);
CREATE INDEX ix_payments_tenant_kind_sequence ON payments (tenant_id, kind, sequence);
CREATE TABLE payment_allocations (
    payment_id TEXT NOT NULL,
    line_no INTEGER NOT NULL,
    tenant_id TEXT NOT NULL,
    document_id TEXT NOT NULL,
    document_type TEXT NOT NULL,
    document_number TEXT NOT NULL,
    amount TEXT NOT NULL,
    date TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    PRIMARY KEY (payment_id, line_no)
);
CREATE INDEX ix_payment_allocations_document ON payment_allocations (tenant_id, document_id);

-- Purchase orders as procurement approved them, and what was received on each line (for the three-way match).
CREATE TABLE purchase_orders (
    purchase_order_id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    number TEXT NOT NULL,
    supplier_id TEXT NOT NULL,
    warehouse TEXT NOT NULL,
    currency TEXT NOT NULL,
    approved_at INTEGER NOT NULL
);
CREATE TABLE purchase_order_lines (
    purchase_order_id TEXT NOT NULL,
    line_no INTEGER NOT NULL,
    tenant_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    quantity TEXT NOT NULL,
    unit_price TEXT NOT NULL,
    received_quantity TEXT NOT NULL,
    billed_quantity TEXT NOT NULL,
    PRIMARY KEY (purchase_order_id, line_no)
);
CREATE TABLE received_goods (
    receipt_id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    purchase_order_id TEXT NOT NULL,
    number TEXT NOT NULL,
    received_at INTEGER NOT NULL
);

CREATE TABLE bills (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    number TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    purchase_order_id TEXT NOT NULL,
    supplier_id TEXT NULL,
    supplier_invoice_number TEXT NOT NULL,
    date TEXT NOT NULL,
    due_date TEXT NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    hold_reasons TEXT NULL,
    net TEXT NOT NULL,
    tax TEXT NOT NULL,
    total TEXT NOT NULL,
    variance TEXT NOT NULL,
    paid TEXT NOT NULL,
    entry_id TEXT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    approved_at INTEGER NULL,
    version INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_bills_tenant_number ON bills (tenant_id, number);
CREATE UNIQUE INDEX ux_bills_supplier_invoice ON bills (tenant_id, purchase_order_id, supplier_invoice_number);
CREATE INDEX ix_bills_tenant_sequence ON bills (tenant_id, sequence);
CREATE TABLE bill_lines (
    bill_id TEXT NOT NULL,
    line_no INTEGER NOT NULL,
    tenant_id TEXT NOT NULL,
    purchase_order_line_no INTEGER NOT NULL,
    sku TEXT NOT NULL,
    quantity TEXT NOT NULL,
    unit_price TEXT NOT NULL,
    tax_rate TEXT NOT NULL,
    net TEXT NOT NULL,
    tax TEXT NOT NULL,
    purchase_order_unit_price TEXT NOT NULL,
    PRIMARY KEY (bill_id, line_no)
);

CREATE TABLE fiscal_years (
    tenant_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    status TEXT NOT NULL,
    closing_entry_id TEXT NULL,
    closed_at INTEGER NULL,
    closed_by TEXT NULL,
    PRIMARY KEY (tenant_id, year)
);

-- Who moved the lock date, closed or reopened a year, and why: kept for the auditor.
CREATE TABLE period_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id TEXT NOT NULL,
    action TEXT NOT NULL,
    lock_before TEXT NULL,
    lock_after TEXT NULL,
    year INTEGER NULL,
    by TEXT NOT NULL,
    reason TEXT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX ix_period_changes_tenant ON period_changes (tenant_id, id);
