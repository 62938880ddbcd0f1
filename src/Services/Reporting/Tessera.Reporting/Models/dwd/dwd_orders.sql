-- layer: dwd
-- materialized: partitioned
-- grain: order_id
-- description: One row per order on the day it was placed (tenant time zone): its channel, currency, latest amounts and its status now. Cancelled and rejected orders stay, flagged. The subtotal (the lines before discounts, tax and shipping) follows from the event's totals.
-- test: unique(order_id)
-- test: not_null(order_id, channel, currency, status, grand_total)
-- test: accepted_values(status: placed, confirmed, rejected, cancelled, dispatched, completed, partially_returned, returned)
-- test: expression(grand_total >= 0)
with placed as (
    select
        o.business_date, o.order_id, o.occurred_at,
        {{ json_struct('o.payload', 'number bigint, channel text, pricing.currency text, placedAt timestamp, customerReference text, province text, preferredWarehouse text') }} as p,
        row_number() over (partition by o.order_id order by o.occurred_at, o.event_id) as first_seen
    from {{ ref('dwd_order_events') }} o
    where o.type = 'OrderPlaced' and {{ partition_filter('o.business_date') }}
),
amounts as (
    select order_id, payload,
           {{ json_struct('payload', 'pricing.currency text, pricing.discountTotal decimal, pricing.taxTotal decimal, pricing.shippingFee decimal, pricing.grandTotal decimal') }} as a
    from (
        select o.order_id, o.payload, row_number() over (partition by o.order_id order by o.occurred_at desc, o.event_id desc) as latest
        from {{ ref('dwd_order_events') }} o
        where o.type in ('OrderPlaced', 'OrderLinesChanged') and {{ partition_filter('o.business_date') }}
    ) a
    where latest = 1
),
statuses as (
    select order_id, type, payload, occurred_at
    from (
        select o.order_id, o.type, o.payload, o.occurred_at,
               row_number() over (partition by o.order_id order by o.occurred_at desc, o.event_id desc) as latest
        from {{ ref('dwd_order_events') }} o
        where o.type in ('OrderConfirmed', 'OrderRejected', 'OrderCancelled', 'OrderDispatched', 'OrderCompleted', 'OrderReturned')
          and {{ partition_filter('o.business_date') }}
    ) s
    where latest = 1
),
quantities as (
    select order_id, sum({{ item('l', 'quantity', 'decimal') }}) as units, count(*) as line_count
    from (select order_id, {{ json_array('payload', 'lines', 'lineNo int, sku text, quantity decimal') }} as l from amounts) x
    group by order_id
)
select
    p.business_date,
    p.order_id,
    {{ item('p.p', 'number', 'bigint') }} as order_number,
    {{ item('p.p', 'channel', 'text') }} as channel,
    coalesce({{ item('a.a', 'pricing.currency', 'text') }}, {{ item('p.p', 'pricing.currency', 'text') }}, 'VND') as currency,
    {{ item('p.p', 'placedAt', 'timestamp') }} as placed_at,
    {{ item('p.p', 'customerReference', 'text') }} as customer_ref,
    {{ item('p.p', 'province', 'text') }} as province,
    {{ item('p.p', 'preferredWarehouse', 'text') }} as preferred_warehouse,
    case s.type
        when 'OrderConfirmed' then 'confirmed'
        when 'OrderRejected' then 'rejected'
        when 'OrderCancelled' then 'cancelled'
        when 'OrderDispatched' then 'dispatched'
        when 'OrderCompleted' then 'completed'
        when 'OrderReturned' then case when {{ json_text('s.payload', 'fully') }} = 'true' then 'returned' else 'partially_returned' end
        else 'placed'
    end as status,
    coalesce(s.type = 'OrderCancelled', false) as is_cancelled,
    coalesce(s.type = 'OrderRejected', false) as is_rejected,
    coalesce({{ item('a.a', 'pricing.grandTotal', 'decimal') }} - {{ item('a.a', 'pricing.taxTotal', 'decimal') }}
             - {{ item('a.a', 'pricing.shippingFee', 'decimal') }} + {{ item('a.a', 'pricing.discountTotal', 'decimal') }}, 0) as subtotal,
    coalesce({{ item('a.a', 'pricing.discountTotal', 'decimal') }}, 0) as discount_total,
    coalesce({{ item('a.a', 'pricing.taxTotal', 'decimal') }}, 0) as tax_total,
    coalesce({{ item('a.a', 'pricing.shippingFee', 'decimal') }}, 0) as shipping_fee,
    coalesce({{ item('a.a', 'pricing.grandTotal', 'decimal') }}, 0) as grand_total,
    coalesce(q.line_count, 0) as line_count,
    coalesce(q.units, 0) as units
from placed p
join amounts a on a.order_id = p.order_id
left join statuses s on s.order_id = p.order_id
left join quantities q on q.order_id = p.order_id
where p.first_seen = 1
