-- layer: ads
-- materialized: table
-- metric: inventory_health
-- grain: sku, warehouse
-- description: Per SKU × warehouse, as of the last business date in the warehouse: on hand and its value, units sold in the last 30 days, days of cover at that pace, and the 30-day sell-through (sold ÷ (sold + on hand)).
-- test: unique(sku, warehouse)
-- test: not_null(sku, warehouse, on_hand)
with as_of as (
    select max(date) as as_of from {{ ref('dim_date') }}
),
position as (
    select sku, warehouse, sum(quantity) as on_hand, sum(value) as value
    from {{ ref('dwd_stock_movements') }}
    group by sku, warehouse
),
sold as (
    select m.sku, m.warehouse, sum(-m.quantity) as units
    from {{ ref('dwd_stock_movements') }} m
    cross join as_of a
    where m.movement_type = 'sales-out' and m.business_date > {{ add_days('a.as_of', '-30') }} and m.business_date <= a.as_of
    group by m.sku, m.warehouse
)
select
    a.as_of, p.sku, p.warehouse, p.on_hand, p.value,
    coalesce(s.units, 0) as units_sold_30d,
    CAST(round(coalesce(s.units, 0) / 30.0, 4) AS {{ type('decimal') }}) as average_daily_units,
    CAST(round(p.on_hand / nullif(coalesce(s.units, 0) / 30.0, 0), 1) AS {{ type('decimal') }}) as days_of_cover,
    CAST(round(coalesce(s.units, 0) / nullif(coalesce(s.units, 0) + greatest(p.on_hand, 0), 0), 4) AS {{ type('decimal') }}) as sell_through_30d
from position p
cross join as_of a
left join sold s on s.sku = p.sku and s.warehouse = p.warehouse
