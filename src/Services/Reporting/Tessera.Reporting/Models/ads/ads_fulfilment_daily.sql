-- layer: ads
-- materialized: partitioned
-- metric: fulfilment_daily
-- group_by: warehouse, carrier
-- grain: business_date, dimension, member
-- deadline: 07:00
-- reads_all_dates: dws_fulfilment_lead_times
-- description: Fulfilment per business date: shipments dispatched that day, how many left by their service level's deadline (on-time dispatch rate) and the mean hours from order to dispatch; shipments delivered that day and the mean hours from dispatch to delivery. In total and per warehouse and carrier.
-- test: unique(business_date, dimension, member)
-- test: expression(dispatched_on_time <= dispatched)
with dispatched as (
    select dispatch_date as business_date, warehouse, carrier, hours_to_dispatch, dispatched_on_time, 1 as is_dispatch,
           CAST(NULL AS {{ type('decimal') }}) as hours_to_deliver
    from {{ ref('dws_fulfilment_lead_times') }} where {{ partition_filter('dispatch_date') }}
),
delivered as (
    select delivery_date as business_date, warehouse, carrier, CAST(NULL AS {{ type('decimal') }}) as hours_to_dispatch, false as dispatched_on_time,
           0 as is_dispatch, hours_to_deliver
    from {{ ref('dws_fulfilment_lead_times') }} where {{ partition_filter('delivery_date') }}
),
facts as (
    select * from dispatched
    union all
    select * from delivered
),
exploded as (
    select 'total' as dimension, 'total' as member, f.* from facts f
    union all
    select 'warehouse', f.warehouse, f.* from facts f
    union all
    select 'carrier', f.carrier, f.* from facts f
)
select
    business_date, dimension, member,
    sum(is_dispatch) as dispatched,
    sum(case when is_dispatch = 1 and dispatched_on_time then 1 else 0 end) as dispatched_on_time,
    CAST(round(sum(case when is_dispatch = 1 and dispatched_on_time then 1 else 0 end) * 1.0 / nullif(sum(is_dispatch), 0), 4) AS {{ type('decimal') }}) as on_time_dispatch_rate,
    CAST(round(avg(hours_to_dispatch), 2) AS {{ type('decimal') }}) as average_hours_to_dispatch,
    sum(1 - is_dispatch) as delivered,
    CAST(round(avg(hours_to_deliver), 2) AS {{ type('decimal') }}) as average_hours_to_deliver
from exploded
group by business_date, dimension, member
