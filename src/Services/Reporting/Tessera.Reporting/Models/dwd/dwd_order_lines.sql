-- layer: dwd
-- materialized: partitioned
-- grain: order_id, line_no, warehouse
-- description: The latest lines of the orders placed on the business date, one row per line and warehouse it is reserved in (a line split over two warehouses is two rows, quantity and money split in proportion). gmv is the line total (after discounts, with VAT) plus its share of the order's shipping fee, so the lines of an order add up to its grand total. The product's name and category are those valid when the order was placed.
-- test: unique(order_id, line_no, warehouse)
-- test: not_null(order_id, line_no, sku, warehouse, quantity, gmv)
-- test: relationships(order_id -> dwd_orders.order_id)
-- test: expression(quantity > 0)
-- test: relationships(sku -> dim_product.sku) warn
with orders as (
    select * from {{ ref('dwd_orders') }} where {{ partition_filter('business_date') }}
),
latest as (
    select order_id, payload
    from (
        select o.order_id, o.payload, row_number() over (partition by o.order_id order by o.occurred_at desc, o.event_id desc) as latest
        from {{ ref('dwd_order_events') }} o
        where o.type in ('OrderPlaced', 'OrderLinesChanged') and {{ partition_filter('o.business_date') }}
    ) x
    where latest = 1
),
quantities as (
    select order_id, {{ item('l', 'lineNo', 'int') }} as line_no, {{ item('l', 'sku', 'text') }} as sku, {{ item('l', 'quantity', 'decimal') }} as quantity
    from (select order_id, {{ json_array('payload', 'lines', 'lineNo int, sku text, quantity decimal') }} as l from latest) x
),
prices as (
    select order_id, {{ item('p', 'lineNo', 'int') }} as line_no, {{ item('p', 'unitPrice', 'decimal') }} as unit_price,
           {{ item('p', 'discount', 'decimal') }} + {{ item('p', 'allocatedDiscount', 'decimal') }} as discount,
           {{ item('p', 'taxAmount', 'decimal') }} as tax_amount, {{ item('p', 'lineTotal', 'decimal') }} as line_total
    from (select order_id, {{ json_array('payload', 'pricing.lines', 'lineNo int, unitPrice decimal, discount decimal, allocatedDiscount decimal, taxAmount decimal, lineTotal decimal') }} as p from latest) x
),
lines as (
    select
        q.order_id, q.line_no, q.sku, q.quantity,
        coalesce(p.unit_price, 0) as unit_price, coalesce(p.discount, 0) as discount, coalesce(p.tax_amount, 0) as tax_amount,
        coalesce(p.line_total, 0) as line_total,
        o.shipping_fee,
        sum(coalesce(p.line_total, 0)) over (partition by q.order_id) as order_lines_total,
        row_number() over (partition by q.order_id order by q.line_no desc) as from_last
    from quantities q
    join orders o on o.order_id = q.order_id
    left join prices p on p.order_id = q.order_id and p.line_no = q.line_no
),
shipping as (
    select l.*,
        case when l.order_lines_total = 0 then case when l.from_last = 1 then l.shipping_fee else 0 end
             else CAST(round(CAST(l.shipping_fee AS {{ type('wide') }}) * l.line_total / l.order_lines_total, 4) AS {{ type('decimal') }}) end as shipping_raw
    from lines l
),
priced as (
    select s.*,
        CAST(case when s.from_last = 1 then s.shipping_fee - (sum(s.shipping_raw) over (partition by s.order_id) - s.shipping_raw) else s.shipping_raw end
             AS {{ type('decimal') }}) as shipping_share
    from shipping s
),
reservation as (
    select order_id, payload
    from (
        select o.order_id, o.payload, row_number() over (partition by o.order_id order by o.occurred_at desc, o.event_id desc) as latest
        from {{ ref('dwd_order_events') }} o
        where o.type = 'StockReserved' and {{ partition_filter('o.business_date') }}
    ) x
    where latest = 1
),
reserved as (
    select order_id, sku, warehouse, sum(quantity) as quantity
    from (
        select order_id, {{ item('r', 'sku', 'text') }} as sku, {{ item('r', 'warehouse', 'text') }} as warehouse, {{ item('r', 'quantity', 'decimal') }} as quantity
        from (select order_id, {{ json_array('payload', 'lines', 'sku text, warehouse text, quantity decimal') }} as r from reservation) x
    ) y
    group by order_id, sku, warehouse
),
shares as (
    select order_id, sku, warehouse, CAST(quantity AS {{ type('wide') }}) / sum(quantity) over (partition by order_id, sku) as share,
           row_number() over (partition by order_id, sku order by warehouse desc) as from_last
    from reserved
),
split as (
    select
        p.order_id, p.line_no, p.sku, coalesce(s.warehouse, 'unallocated') as warehouse, coalesce(s.from_last, 1) as wh_from_last,
        coalesce(s.share, 1) as share, p.quantity, p.unit_price, p.discount, p.tax_amount, p.line_total, p.shipping_share
    from priced p
    left join shares s on s.order_id = p.order_id and s.sku = p.sku
),
amounts as (
    select split.*,
        CAST(round(CAST(quantity AS {{ type('wide') }}) * share, 4) AS {{ type('decimal') }}) as quantity_raw,
        CAST(round(CAST(line_total AS {{ type('wide') }}) * share, 4) AS {{ type('decimal') }}) as line_total_raw,
        CAST(round(CAST(tax_amount AS {{ type('wide') }}) * share, 4) AS {{ type('decimal') }}) as tax_raw,
        CAST(round(CAST(shipping_share AS {{ type('wide') }}) * share, 4) AS {{ type('decimal') }}) as shipping_raw
    from split
),
exact as (
    select a.*,
        case when wh_from_last = 1 then quantity - (sum(quantity_raw) over (partition by order_id, line_no) - quantity_raw) else quantity_raw end as quantity_part,
        case when wh_from_last = 1 then line_total - (sum(line_total_raw) over (partition by order_id, line_no) - line_total_raw) else line_total_raw end as line_total_part,
        case when wh_from_last = 1 then tax_amount - (sum(tax_raw) over (partition by order_id, line_no) - tax_raw) else tax_raw end as tax_part,
        case when wh_from_last = 1 then shipping_share - (sum(shipping_raw) over (partition by order_id, line_no) - shipping_raw) else shipping_raw end as shipping_part
    from amounts a
),
products as (
    select sku, name, category, valid_from, valid_to, version_no from {{ ref('dim_product') }}
)
select
    o.business_date,
    e.order_id,
    e.line_no,
    e.warehouse,
    e.sku,
    coalesce(pv.name, p1.name) as product_name,
    coalesce(pv.category, p1.category, 'Uncategorized') as category,
    o.channel,
    o.currency,
    o.placed_at,
    o.status,
    o.is_cancelled,
    o.is_rejected,
    CAST(e.quantity_part AS {{ type('decimal') }}) as quantity,
    e.unit_price,
    CAST(e.line_total_part AS {{ type('decimal') }}) as line_total,
    CAST(e.tax_part AS {{ type('decimal') }}) as tax_amount,
    CAST(e.shipping_part AS {{ type('decimal') }}) as shipping_fee,
    CAST(e.line_total_part + e.shipping_part AS {{ type('decimal') }}) as gmv
from exact e
join orders o on o.order_id = e.order_id
left join products pv on pv.sku = e.sku and o.placed_at >= pv.valid_from and o.placed_at < pv.valid_to
left join products p1 on p1.sku = e.sku and p1.version_no = 1
