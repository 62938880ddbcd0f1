-- layer: ads
-- materialized: partitioned
-- metric: sales_daily
-- group_by: channel, category, warehouse
-- grain: business_date, dimension, member, currency
-- deadline: 06:00
-- reads_all_dates: dwd_returns
-- description: Sales per business date (the day orders were placed, in the tenant's time zone), in total and per channel, category and warehouse: orders placed, units and gmv of those not cancelled or rejected, the cancelled and rejected ones in their own fields, the value of goods that came back that day, net sales and the average order value.
-- test: unique(business_date, dimension, member, currency)
-- test: not_null(dimension, member, currency, orders, gmv)
-- test: accepted_values(dimension: total, channel, category, warehouse)
-- test: expression(gmv >= 0 and units >= 0 and orders >= cancelled_orders + rejected_orders)
with sales as (
    select business_date, order_id, channel, category, warehouse, currency, is_cancelled, is_rejected, quantity, gmv,
           CAST(0 AS {{ type('decimal') }}) as returns_value
    from {{ ref('dwd_order_lines') }}
    where {{ partition_filter('business_date') }}
),
returned as (
    select return_date as business_date, CAST(NULL AS {{ type('text') }}) as order_id, coalesce(channel, 'unknown') as channel, category, coalesce(warehouse, 'unallocated') as warehouse,
           currency, false as is_cancelled, false as is_rejected, CAST(0 AS {{ type('decimal') }}) as quantity, CAST(0 AS {{ type('decimal') }}) as gmv,
           value as returns_value
    from {{ ref('dwd_returns') }}
    where {{ partition_filter('return_date') }}
),
facts as (
    select * from sales
    union all
    select * from returned
),
exploded as (
    select 'total' as dimension, 'total' as member, f.* from facts f
    union all
    select 'channel', f.channel, f.* from facts f
    union all
    select 'category', f.category, f.* from facts f
    union all
    select 'warehouse', f.warehouse, f.* from facts f
),
totals as (
    select
        business_date, dimension, member, currency,
        count(distinct order_id) as orders,
        count(distinct case when is_cancelled then order_id end) as cancelled_orders,
        count(distinct case when is_rejected then order_id end) as rejected_orders,
        sum(case when is_cancelled or is_rejected then 0 else quantity end) as units,
        sum(case when is_cancelled or is_rejected then 0 else gmv end) as gmv,
        sum(case when is_cancelled then gmv else 0 end) as cancelled_gmv,
        sum(case when is_rejected then gmv else 0 end) as rejected_gmv,
        sum(returns_value) as returns_value
    from exploded
    group by business_date, dimension, member, currency
)
select
    business_date, dimension, member, orders, units, gmv, currency, cancelled_orders, cancelled_gmv, rejected_orders, rejected_gmv,
    returns_value, gmv - returns_value as net_sales,
    CAST(round(gmv / nullif(orders - cancelled_orders - rejected_orders, 0), 4) AS {{ type('decimal') }}) as average_order_value
from totals
