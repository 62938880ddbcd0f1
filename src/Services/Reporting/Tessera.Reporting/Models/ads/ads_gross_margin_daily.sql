-- layer: ads
-- materialized: partitioned
-- metric: gross_margin_daily
-- group_by: category, warehouse
-- grain: business_date, dimension, member, currency
-- deadline: 06:00
-- reads_all_dates: dwd_order_lines
-- description: Gross margin per business date on the goods that left (sales-out) or came back (customer-return-in) that day: revenue at the order lines' prices without VAT, cost of goods at the moving-average cost inventory issued them at, margin and margin rate. From inventory's and orders' events until finance's postings are in the warehouse.
-- test: unique(business_date, dimension, member, currency)
-- test: accepted_values(dimension: total, category, warehouse)
with moves as (
    select business_date, order_id, sku, warehouse, movement_type, quantity, value
    from {{ ref('dwd_stock_movements') }}
    where {{ partition_filter('business_date') }} and movement_type in ('sales-out', 'customer-return-in') and order_id is not null
),
prices as (
    select order_id, sku, CAST(sum(line_total - tax_amount) AS {{ type('wide') }}) / nullif(sum(quantity), 0) as unit_revenue, min(category) as category, min(currency) as currency
    from {{ ref('dwd_order_lines') }}
    where order_id in (select order_id from moves)
    group by order_id, sku
),
facts as (
    select m.business_date, coalesce(p.category, 'Uncategorized') as category, m.warehouse, coalesce(p.currency, 'VND') as currency,
           CAST(round(CAST(-m.quantity AS {{ type('wide') }}) * coalesce(p.unit_revenue, 0), 4) AS {{ type('decimal') }}) as revenue,
           -m.value as cogs, -m.quantity as units
    from moves m
    left join prices p on p.order_id = m.order_id and p.sku = m.sku
),
exploded as (
    select 'total' as dimension, 'total' as member, f.* from facts f
    union all
    select 'category', f.category, f.* from facts f
    union all
    select 'warehouse', f.warehouse, f.* from facts f
)
select
    business_date, dimension, member, currency,
    sum(units) as units, sum(revenue) as revenue, sum(cogs) as cogs, sum(revenue) - sum(cogs) as gross_margin,
    CAST(round((sum(revenue) - sum(cogs)) / nullif(sum(revenue), 0), 4) AS {{ type('decimal') }}) as margin_rate
from exploded
group by business_date, dimension, member, currency
