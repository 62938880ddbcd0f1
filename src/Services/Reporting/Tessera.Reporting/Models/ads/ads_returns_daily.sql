-- layer: ads
-- materialized: partitioned
-- metric: returns_daily
-- group_by: channel, category, kind
-- grain: business_date, dimension, member, currency
-- reads_all_dates: dwd_returns
-- description: Goods that came back per business date (the day they arrived), in total and per channel, category and kind (customer-return, return-to-origin): returns, units, value, and how many units went back into stock or were damaged.
-- test: unique(business_date, dimension, member, currency)
with facts as (
    select return_date as business_date, return_id, coalesce(channel, 'unknown') as channel, category, kind, currency, condition, quantity, value
    from {{ ref('dwd_returns') }}
    where {{ partition_filter('return_date') }}
),
exploded as (
    select 'total' as dimension, 'total' as member, f.* from facts f
    union all
    select 'channel', f.channel, f.* from facts f
    union all
    select 'category', f.category, f.* from facts f
    union all
    select 'kind', f.kind, f.* from facts f
)
select
    business_date, dimension, member, currency,
    count(distinct return_id) as returns,
    sum(quantity) as units,
    sum(value) as value,
    sum(case when condition = 'restock' then quantity else 0 end) as restocked_units,
    sum(case when condition = 'damaged' then quantity else 0 end) as damaged_units
from exploded
group by business_date, dimension, member, currency
