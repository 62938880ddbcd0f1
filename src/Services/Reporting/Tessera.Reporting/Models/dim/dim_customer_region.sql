-- layer: dim
-- materialized: table
-- grain: province
-- description: The provinces orders are shipped to (the province only: no other part of an address enters the warehouse), with their orders.
-- test: unique(province)
select coalesce(province, 'unknown') as province, count(*) as orders, min(business_date) as first_order_date
from {{ ref('dwd_orders') }}
group by coalesce(province, 'unknown')
