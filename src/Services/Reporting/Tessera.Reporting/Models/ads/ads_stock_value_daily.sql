-- layer: ads
-- materialized: table
-- metric: stock_value_daily
-- group_by: warehouse
-- grain: business_date, dimension, member
-- description: Stock on hand and its value at the end of every business date, in total and per warehouse (in-transit stock of transfers is counted at the destination once received).
-- test: unique(business_date, dimension, member)
with daily as (
    select business_date, warehouse, sum(quantity) as quantity, sum(value) as value
    from {{ ref('dwd_stock_movements') }}
    group by business_date, warehouse
),
grid as (
    select d.date as business_date, w.warehouse
    from {{ ref('dim_date') }} d
    cross join (select distinct warehouse from daily) w
),
running as (
    select g.business_date, g.warehouse,
        sum(coalesce(daily.quantity, 0)) over (partition by g.warehouse order by g.business_date rows between unbounded preceding and current row) as quantity,
        sum(coalesce(daily.value, 0)) over (partition by g.warehouse order by g.business_date rows between unbounded preceding and current row) as value
    from grid g
    left join daily on daily.business_date = g.business_date and daily.warehouse = g.warehouse
)
select business_date, 'warehouse' as dimension, warehouse as member, quantity, value from running
union all
select business_date, 'total', 'total', sum(quantity), sum(value) from running group by business_date
