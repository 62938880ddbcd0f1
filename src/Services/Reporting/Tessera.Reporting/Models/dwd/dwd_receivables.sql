-- layer: dwd
-- materialized: partitioned
-- grain: document_id, invoice_id
-- description: Movements of customer receivables that finance recorded on the business date, from its events: an invoice adds its total, a credit note takes its total off its invoice, and each part of a customer payment (or a carrier's COD remittance) allocated to an invoice takes that part off. What a payment leaves unallocated stays on account and moves no receivable. Invoices and credit notes also carry their amount net of VAT and the cost of sales finance posted for their goods (invoices Dr 632, credit notes Cr 632), both signed like the amount; the cost is null when finance's event carries none (posted after the document, or an event older than the field), and both are null on payments.
-- test: unique(document_id, invoice_id)
-- test: not_null(document_id, kind, invoice_id, document_date, currency, amount)
-- test: accepted_values(kind: invoice, credit_note, payment)
with payments as (
    select
        e.business_date,
        {{ json_text('e.payload', 'paymentId') }} as document_id,
        {{ json_text('e.payload', 'number') }} as document_number,
        {{ json_value('e.payload', 'date', 'date') }} as document_date,
        {{ json_text('e.payload', 'currency') }} as currency,
        {{ json_array('e.payload', 'allocations', 'documentId text, documentType text, orderId text, amount decimal') }} as a
    from {{ ref('ods_events') }} e
    where e.producer = 'finance' and e.type = 'PaymentRecorded' and {{ json_text('e.payload', 'kind') }} = 'customer'
      and {{ partition_filter('e.business_date') }}
)
select
    e.business_date,
    {{ json_text('e.payload', 'invoiceId') }} as document_id,
    'invoice' as kind,
    {{ json_text('e.payload', 'number') }} as document_number,
    {{ json_text('e.payload', 'orderId') }} as order_id,
    {{ json_text('e.payload', 'invoiceId') }} as invoice_id,
    {{ json_value('e.payload', 'date', 'date') }} as document_date,
    {{ json_text('e.payload', 'currency') }} as currency,
    {{ json_value('e.payload', 'total', 'decimal') }} as amount,
    {{ json_value('e.payload', 'net', 'decimal') }} as net,
    {{ json_value('e.payload', 'costOfSales', 'decimal') }} as cost_of_sales,
    {{ json_text('e.payload', 'shipmentId') }} as shipment_id,
    CAST(NULL AS {{ type('text') }}) as return_id
from {{ ref('ods_events') }} e
where e.producer = 'finance' and e.type = 'InvoiceIssued' and {{ partition_filter('e.business_date') }}
union all
select
    e.business_date,
    {{ json_text('e.payload', 'creditNoteId') }},
    'credit_note',
    {{ json_text('e.payload', 'number') }},
    {{ json_text('e.payload', 'orderId') }},
    {{ json_text('e.payload', 'invoiceId') }},
    {{ json_value('e.payload', 'date', 'date') }},
    {{ json_text('e.payload', 'currency') }},
    -{{ json_value('e.payload', 'total', 'decimal') }},
    -{{ json_value('e.payload', 'net', 'decimal') }},
    -{{ json_value('e.payload', 'costOfSales', 'decimal') }},
    CAST(NULL AS {{ type('text') }}),
    {{ json_text('e.payload', 'returnId') }}
from {{ ref('ods_events') }} e
where e.producer = 'finance' and e.type = 'CreditNoteIssued' and {{ partition_filter('e.business_date') }}
union all
select
    p.business_date, p.document_id, 'payment', p.document_number, {{ item('p.a', 'orderId', 'text') }}, {{ item('p.a', 'documentId', 'text') }},
    p.document_date, p.currency, -{{ item('p.a', 'amount', 'decimal') }},
    CAST(NULL AS {{ type('decimal') }}), CAST(NULL AS {{ type('decimal') }}), CAST(NULL AS {{ type('text') }}), CAST(NULL AS {{ type('text') }})
from payments p
where {{ item('p.a', 'documentType', 'text') }} = 'invoice'
