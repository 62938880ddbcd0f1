-- layer: dwd
-- materialized: partitioned
-- grain: receipt_id, po_line_no
-- description: Goods received against purchase orders on the business date: supplier, warehouse, SKU, accepted and refused quantities and the value of what was accepted at the PO price.
-- test: unique(receipt_id, po_line_no)
-- test: not_null(receipt_id, purchase_order_id, supplier_id, sku, accepted_quantity)
-- test: expression(accepted_quantity >= 0 and rejected_quantity >= 0)
select
    business_date, receipt_id, receipt_number, purchase_order_id, purchase_order_number, supplier_id, warehouse, currency,
    {{ item('l', 'purchaseOrderLineNo', 'int') }} as po_line_no,
    {{ item('l', 'sku', 'text') }} as sku,
    {{ item('l', 'quantity', 'decimal') }} as accepted_quantity,
    {{ item('l', 'rejectedQuantity', 'decimal') }} as rejected_quantity,
    {{ item('l', 'unitCost', 'decimal') }} as unit_cost,
    CAST(round(CAST({{ item('l', 'quantity', 'decimal') }} AS {{ type('wide') }}) * {{ item('l', 'unitCost', 'decimal') }}, 4) AS {{ type('decimal') }}) as accepted_value
from (
    select
        e.business_date,
        {{ json_text('e.payload', 'receiptId') }} as receipt_id,
        {{ json_text('e.payload', 'number') }} as receipt_number,
        {{ json_text('e.payload', 'purchaseOrderId') }} as purchase_order_id,
        {{ json_text('e.payload', 'purchaseOrderNumber') }} as purchase_order_number,
        {{ json_text('e.payload', 'supplierId') }} as supplier_id,
        {{ json_text('e.payload', 'warehouse') }} as warehouse,
        {{ json_text('e.payload', 'currency') }} as currency,
        {{ json_array('e.payload', 'lines', 'purchaseOrderLineNo int, sku text, quantity decimal, rejectedQuantity decimal, unitCost decimal') }} as l
    from {{ ref('ods_events') }} e
    where e.producer = 'procurement' and e.type = 'GoodsReceived' and {{ partition_filter('e.business_date') }}
) r
