-- layer: dim
-- materialized: table
-- grain: supplier_id
-- description: Suppliers that purchase orders were approved for (the events carry the id and currency; names stay in procurement).
-- test: unique(supplier_id)
-- test: not_null(supplier_id)
select
    {{ json_text('e.payload', 'supplierId') }} as supplier_id,
    min({{ json_text('e.payload', 'currency') }}) as currency,
    min(e.business_date) as first_order_date,
    count(*) as purchase_orders
from {{ ref('ods_events') }} e
where e.producer = 'procurement' and e.type = 'PurchaseOrderApproved'
group by {{ json_text('e.payload', 'supplierId') }}
