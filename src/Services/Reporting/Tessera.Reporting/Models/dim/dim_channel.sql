-- layer: dim
-- materialized: table
-- grain: channel
-- description: Sales channels orders came through (web, pos, api, marketplace:<name>), grouped, with their first order date.
-- test: unique(channel)
-- test: accepted_values(channel_group: web, pos, api, marketplace, other)
select
    channel,
    case when channel like 'marketplace:%' then 'marketplace' when channel in ('web', 'pos', 'api') then channel else 'other' end as channel_group,
    min(business_date) as first_order_date,
    count(*) as orders
from {{ ref('dwd_orders') }}
group by channel
