-- layer: dwd
-- materialized: partitioned
-- grain: return_id, sku, condition
-- description: Goods that came back, for the orders placed on the business date: customer returns (condition restock or damaged) and shipments returned to origin after failed deliveries, valued at what the customer paid for them (the line total per unit, VAT included, shipping excluded), with the date they came back.
-- test: unique(return_id, sku, condition)
-- test: not_null(return_id, order_id, sku, quantity, return_date)
-- test: accepted_values(kind: customer-return, return-to-origin)
with events as (
    select * from {{ ref('dwd_order_events') }} where {{ partition_filter('business_date') }} and type in ('ReturnReceived', 'ReturnToOriginReceived')
),
returned as (
    select business_date, order_id, event_date, kind, return_id, warehouse,
           {{ item('l', 'sku', 'text') }} as sku, {{ item('l', 'quantity', 'decimal') }} as quantity,
           coalesce({{ item('l', 'condition', 'text') }}, 'returned') as condition
    from (
        select e.business_date, e.order_id, e.event_date,
               case when e.type = 'ReturnReceived' then 'customer-return' else 'return-to-origin' end as kind,
               coalesce({{ json_text('e.payload', 'returnId') }}, {{ json_text('e.payload', 'shipmentId') }}) as return_id,
               {{ json_text('e.payload', 'warehouse') }} as warehouse,
               {{ json_array('e.payload', 'lines', 'sku text, quantity decimal, condition text') }} as l
        from events e
    ) x
),
prices as (
    select order_id, sku, CAST(sum(line_total) AS {{ type('wide') }}) / nullif(sum(quantity), 0) as unit_value, min(category) as category, min(channel) as channel,
           min(currency) as currency
    from {{ ref('dwd_order_lines') }}
    where {{ partition_filter('business_date') }}
    group by order_id, sku
)
select
    r.business_date, r.return_id, r.kind, r.order_id, r.sku, r.condition, r.warehouse,
    r.event_date as return_date,
    p.channel, coalesce(p.category, 'Uncategorized') as category, coalesce(p.currency, 'VND') as currency,
    sum(r.quantity) as quantity,
    CAST(round(CAST(sum(r.quantity) AS {{ type('wide') }}) * coalesce(p.unit_value, 0), 4) AS {{ type('decimal') }}) as value
from returned r
left join prices p on p.order_id = r.order_id and p.sku = r.sku
group by r.business_date, r.return_id, r.kind, r.order_id, r.sku, r.condition, r.warehouse, r.event_date, p.channel, p.category, p.currency, p.unit_value
