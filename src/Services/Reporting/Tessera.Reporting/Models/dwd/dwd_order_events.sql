-- layer: dwd
-- materialized: partitioned
-- grain: event_id
-- description: Every event about the orders placed on the business date (from orders, inventory and logistics: they all key order events by the order id), dated by the day the order was placed, so that one partition holds an order's whole story.
-- test: unique(event_id)
-- test: not_null(order_id, type, occurred_at)
with placed as (
    select e.aggregate_id as order_id, e.business_date
    from {{ ref('ods_events') }} e
    where e.type = 'OrderPlaced' and {{ partition_filter('e.business_date') }}
)
select
    p.business_date,
    e.aggregate_id as order_id,
    e.event_id,
    e.producer,
    e.type,
    e.occurred_at,
    e.business_date as event_date,
    e.payload
from {{ ref('ods_events') }} e
join placed p on p.order_id = e.aggregate_id
where e.business_date >= {{ partition_start }}
