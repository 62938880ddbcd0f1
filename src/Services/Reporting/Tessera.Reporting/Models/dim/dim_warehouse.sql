-- layer: dim
-- materialized: table
-- grain: warehouse
-- description: Warehouses that moved stock or shipped orders, with their first and last day of activity.
-- test: unique(warehouse)
-- test: not_null(warehouse)
select warehouse, min(first_date) as first_activity_date, max(last_date) as last_activity_date
from (
    select warehouse, min(business_date) as first_date, max(business_date) as last_date from {{ ref('dwd_stock_movements') }} group by warehouse
    union all
    select warehouse, min(business_date), max(business_date) from {{ ref('dwd_shipments') }} group by warehouse
) w
where warehouse is not null
group by warehouse
