-- layer: dws
-- materialized: partitioned
-- grain: business_date, sku, warehouse
-- description: Per SKU × warehouse that moved on the business date: what came in and went out that day and the position and value at the end of it. The position adds up every movement to that day, so a late movement re-opens every later day too (cumulative).
-- cumulative: true
-- reads_all_dates: dwd_stock_movements
-- test: unique(sku, warehouse, business_date)
-- test: not_null(sku, warehouse, closing_quantity, closing_value)
with moved as (
    select business_date, sku, warehouse,
        sum(case when quantity > 0 then quantity else 0 end) as quantity_in,
        sum(case when quantity < 0 then -quantity else 0 end) as quantity_out,
        sum(case when value > 0 then value else 0 end) as value_in,
        sum(case when value < 0 then -value else 0 end) as value_out
    from {{ ref('dwd_stock_movements') }}
    where {{ partition_filter('business_date') }}
    group by business_date, sku, warehouse
),
pairs as (
    select distinct sku, warehouse from moved
),
daily as (
    select m.business_date, m.sku, m.warehouse, sum(m.quantity) as quantity, sum(m.value) as value
    from {{ ref('dwd_stock_movements') }} m
    join pairs p on p.sku = m.sku and p.warehouse = m.warehouse
    where m.business_date <= {{ partition_end }}
    group by m.business_date, m.sku, m.warehouse
),
position as (
    select business_date, sku, warehouse,
        sum(quantity) over (partition by sku, warehouse order by business_date rows between unbounded preceding and current row) as closing_quantity,
        sum(value) over (partition by sku, warehouse order by business_date rows between unbounded preceding and current row) as closing_value
    from daily
)
select d.business_date, d.sku, d.warehouse, d.quantity_in, d.quantity_out, d.value_in, d.value_out, p.closing_quantity, p.closing_value
from moved d
join position p on p.business_date = d.business_date and p.sku = d.sku and p.warehouse = d.warehouse
