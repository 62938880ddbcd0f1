-- layer: ads
-- materialized: table
-- metric: return_rate_monthly
-- grain: month, currency
-- description: Per month: units sold and units that came back (customer returns and returns to origin), the return rate in units and in value.
-- test: unique(month, currency)
with sold as (
    select {{ month('business_date') }} as month, currency, sum(units) as units_sold, sum(gmv) as value_sold
    from {{ ref('ads_sales_daily') }} where dimension = 'total'
    group by {{ month('business_date') }}, currency
),
returned as (
    select {{ month('business_date') }} as month, currency, sum(units) as units_returned, sum(value) as value_returned
    from {{ ref('ads_returns_daily') }} where dimension = 'total'
    group by {{ month('business_date') }}, currency
)
select
    coalesce(s.month, r.month) as month, coalesce(s.currency, r.currency) as currency,
    coalesce(s.units_sold, 0) as units_sold, coalesce(r.units_returned, 0) as units_returned,
    coalesce(s.value_sold, 0) as value_sold, coalesce(r.value_returned, 0) as value_returned,
    CAST(round(coalesce(r.units_returned, 0) / nullif(s.units_sold, 0), 4) AS {{ type('decimal') }}) as return_rate,
    CAST(round(coalesce(r.value_returned, 0) / nullif(s.value_sold, 0), 4) AS {{ type('decimal') }}) as value_return_rate
from sold s
full outer join returned r on r.month = s.month and r.currency = s.currency
