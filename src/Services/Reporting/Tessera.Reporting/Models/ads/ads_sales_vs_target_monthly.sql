-- layer: ads
-- materialized: table
-- metric: sales_vs_target_monthly
-- grain: month, channel, currency
-- description: The monthly sales targets entered by hand against the gmv made, for the whole business ('*') and per channel, with the attainment.
-- test: unique(month, channel, currency)
with actual as (
    select {{ month('business_date') }} as month, '*' as channel, currency, sum(gmv) as gmv
    from {{ ref('ads_sales_daily') }} where dimension = 'total'
    group by {{ month('business_date') }}, currency
    union all
    select {{ month('business_date') }}, member, currency, sum(gmv)
    from {{ ref('ads_sales_daily') }} where dimension = 'channel'
    group by {{ month('business_date') }}, member, currency
)
select
    t.month, t.channel, t.currency, t.amount as target, coalesce(a.gmv, 0) as gmv,
    CAST(round(coalesce(a.gmv, 0) / nullif(t.amount, 0), 4) AS {{ type('decimal') }}) as attainment
from {{ ref('ods_sales_targets') }} t
left join actual a on a.month = t.month and a.channel = t.channel and a.currency = t.currency
