-- layer: ads
-- materialized: table
-- metric: sales_monthly
-- grain: month, currency
-- description: Sales per month of the tenant's calendar: orders placed, units, gmv, net sales and the average order value (orders not cancelled or rejected).
-- test: unique(month, currency)
-- test: not_null(month, currency, orders, gmv)
with monthly as (
    select
        {{ month('business_date') }} as month, currency,
        sum(orders) as orders, sum(cancelled_orders) as cancelled_orders, sum(rejected_orders) as rejected_orders,
        sum(units) as units, sum(gmv) as gmv, sum(returns_value) as returns_value, sum(net_sales) as net_sales
    from {{ ref('ads_sales_daily') }}
    where dimension = 'total'
    group by {{ month('business_date') }}, currency
)
select
    month, currency, orders, units, gmv, cancelled_orders, rejected_orders, returns_value, net_sales,
    CAST(round(gmv / nullif(orders - cancelled_orders - rejected_orders, 0), 4) AS {{ type('decimal') }}) as average_order_value
from monthly
