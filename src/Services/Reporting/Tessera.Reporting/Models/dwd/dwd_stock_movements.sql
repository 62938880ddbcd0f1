-- layer: dwd
-- materialized: partitioned
-- grain: event_id, line_no
-- description: Every stock movement of the business date as inventory's ledger recorded it: type (purchase-in, customer-return-in, transfer-in, count-adjust-in, sales-out, supplier-return-out, transfer-out, count-adjust-out), SKU, warehouse, quantity and value signed (ins positive), unit cost, and the source document.
-- test: unique(event_id, line_no)
-- test: not_null(event_id, movement_type, sku, warehouse, quantity, value, source_type, source_id)
-- test: accepted_values(movement_type: purchase-in, customer-return-in, transfer-in, count-adjust-in, sales-out, supplier-return-out, transfer-out, count-adjust-out)
-- test: expression(quantity <> 0)
with events as (
    select * from {{ ref('ods_events') }}
    where {{ partition_filter('business_date') }} and producer = 'inventory'
      and type in ('StockReceived', 'StockIssued', 'StockReturned', 'StockAdjusted', 'TransferShipped', 'TransferReceived')
),
received as (
    select business_date, event_id, row_number() over (partition by event_id order by sku) as line_no, 'purchase-in' as movement_type,
           sku, warehouse, quantity, unit_cost, CAST(round(CAST(quantity AS {{ type('wide') }}) * unit_cost, 4) AS {{ type('decimal') }}) as value,
           source_type, source_id, order_id
    from (
        select e.business_date, e.event_id, {{ json_text('e.payload', 'warehouse') }} as warehouse,
               coalesce({{ json_text('e.payload', 'sourceType') }}, 'receipt') as source_type, {{ json_text('e.payload', 'receiptId') }} as source_id,
               CAST(NULL AS {{ type('text') }}) as order_id,
               {{ item('l', 'sku', 'text') }} as sku, {{ item('l', 'quantity', 'decimal') }} as quantity, {{ item('l', 'unitCost', 'decimal') }} as unit_cost
        from (select e.*, {{ json_array('e.payload', 'lines', 'sku text, quantity decimal, unitCost decimal') }} as l from events e where e.type = 'StockReceived') e
    ) x
),
moved as (
    select e.business_date, e.event_id, e.type,
           coalesce({{ json_text('e.payload', 'movementType') }}, case e.type when 'TransferShipped' then 'transfer-out' else 'transfer-in' end) as movement_type,
           coalesce({{ json_text('e.payload', 'warehouse') }},
                    case e.type when 'TransferShipped' then {{ json_text('e.payload', 'fromWarehouse') }} else {{ json_text('e.payload', 'toWarehouse') }} end) as warehouse,
           coalesce({{ json_text('e.payload', 'sourceType') }}, 'transfer') as source_type,
           coalesce({{ json_text('e.payload', 'sourceId') }}, {{ json_text('e.payload', 'transferId') }}) as source_id,
           {{ json_text('e.payload', 'orderId') }} as order_id,
           {{ json_array('e.payload', 'lines', 'sku text, quantity decimal, unitCost decimal, value decimal') }} as l
    from events e
    where e.type in ('StockIssued', 'StockReturned', 'TransferShipped', 'TransferReceived')
),
issued as (
    select business_date, event_id,
           row_number() over (partition by event_id order by {{ item('l', 'sku', 'text') }}) as line_no,
           movement_type, {{ item('l', 'sku', 'text') }} as sku, warehouse,
           case when movement_type like '%-out' then -{{ item('l', 'quantity', 'decimal') }} else {{ item('l', 'quantity', 'decimal') }} end as quantity,
           {{ item('l', 'unitCost', 'decimal') }} as unit_cost,
           case when movement_type like '%-out' then -{{ item('l', 'value', 'decimal') }} else {{ item('l', 'value', 'decimal') }} end as value,
           source_type, source_id, order_id
    from moved
),
counted as (
    select business_date, event_id, row_number() over (partition by event_id order by sku) as line_no,
           case when difference > 0 then 'count-adjust-in' else 'count-adjust-out' end as movement_type,
           sku, warehouse, difference as quantity, unit_cost,
           case when difference > 0 then abs(value) else -abs(value) end as value,
           'count' as source_type, source_id, CAST(NULL AS {{ type('text') }}) as order_id
    from (
        select e.business_date, e.event_id, {{ json_text('e.payload', 'warehouse') }} as warehouse, {{ json_text('e.payload', 'countId') }} as source_id,
               {{ item('l', 'sku', 'text') }} as sku, {{ item('l', 'difference', 'decimal') }} as difference,
               {{ item('l', 'unitCost', 'decimal') }} as unit_cost, {{ item('l', 'value', 'decimal') }} as value
        from (select e.*, {{ json_array('e.payload', 'lines', 'sku text, difference decimal, unitCost decimal, value decimal') }} as l from events e where e.type = 'StockAdjusted') e
    ) x
    where difference <> 0
)
select business_date, event_id, line_no, movement_type, sku, warehouse, quantity, unit_cost, value, source_type, source_id, order_id from received
union all
select business_date, event_id, line_no, movement_type, sku, warehouse, quantity, unit_cost, value, source_type, source_id, order_id from issued
union all
select business_date, event_id, line_no, movement_type, sku, warehouse, quantity, unit_cost, value, source_type, source_id, order_id from counted
