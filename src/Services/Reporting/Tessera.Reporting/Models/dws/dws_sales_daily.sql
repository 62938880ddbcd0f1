-- layer: dws
-- materialized: partitioned
-- grain: business_date, channel, category, warehouse, currency
-- description: Daily sales per channel × category × warehouse: lines, units and gmv of orders not cancelled or rejected, and the cancelled and rejected amounts apart. Orders are counted per cell (an order in two categories counts in both).
-- test: unique(business_date, channel, category, warehouse, currency)
-- test: not_null(channel, category, warehouse, currency)
-- test: expression(units >= 0 and gmv >= 0)
select
    business_date, channel, category, warehouse, currency,
    count(distinct order_id) as orders,
    count(*) as lines,
    sum(case when is_cancelled or is_rejected then 0 else quantity end) as units,
    sum(case when is_cancelled or is_rejected then 0 else gmv end) as gmv,
    sum(case when is_cancelled then gmv else 0 end) as cancelled_gmv,
    sum(case when is_rejected then gmv else 0 end) as rejected_gmv
from {{ ref('dwd_order_lines') }}
where {{ partition_filter('business_date') }}
group by business_date, channel, category, warehouse, currency
