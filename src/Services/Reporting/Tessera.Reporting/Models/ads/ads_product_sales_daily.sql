-- layer: ads
-- materialized: partitioned
-- metric: product_sales_daily
-- grain: business_date, sku, currency
-- description: Per business date and SKU: orders, units and gmv of orders not cancelled or rejected, with the product's name and category at the time.
-- test: unique(business_date, sku, currency)
-- test: not_null(sku, currency)
select
    business_date, sku, min(product_name) as product_name, min(category) as category, currency,
    count(distinct case when is_cancelled or is_rejected then null else order_id end) as orders,
    sum(case when is_cancelled or is_rejected then 0 else quantity end) as units,
    sum(case when is_cancelled or is_rejected then 0 else gmv end) as gmv
from {{ ref('dwd_order_lines') }}
where {{ partition_filter('business_date') }}
group by business_date, sku, currency
