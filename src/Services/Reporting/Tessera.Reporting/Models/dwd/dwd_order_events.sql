-- layer: dwd
-- materialized: partitioned
-- grain: event_id
-- description: Every event about the orders placed on the business date (from orders, inventory and logistics: they all key order events by the order id), dated by the day the order was placed, so that one partition holds an order's whole story. The ODS keeps that date on every event (its opening date), so a partition reads its own rows and not every later event.
-- test: unique(event_id)
-- test: not_null(order_id, type, occurred_at)
with placed as (
    select distinct e.aggregate_id as order_id, e.opening_date
    from {{ ref('ods_events') }} e
    where e.type = 'OrderPlaced' and {{ partition_filter('e.opening_date') }}
)
select
    p.opening_date as business_date,
    e.aggregate_id as order_id,
    e.event_id,
    e.producer,
    e.type,
    e.occurred_at,
    e.business_date as event_date,
    e.payload
from {{ ref('ods_events') }} e
join placed p on p.order_id = e.aggregate_id
where {{ partition_filter('e.opening_date') }}
