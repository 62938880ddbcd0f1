-- layer: dws
-- materialized: partitioned
-- grain: shipment_id
-- description: Lead times of the shipments of the orders placed on the business date: hours from placing to dispatch and from dispatch to delivery, and whether it left by its service level's deadline.
-- test: unique(shipment_id)
-- test: expression(hours_to_dispatch is null or hours_to_dispatch >= 0)
select
    business_date, shipment_id, order_id, warehouse, coalesce(carrier, 'none') as carrier, service_level, channel, status,
    {{ local_date('dispatched_at') }} as dispatch_date,
    {{ local_date('delivered_at') }} as delivery_date,
    {{ hours_between('placed_at', 'dispatched_at') }} as hours_to_dispatch,
    {{ hours_between('dispatched_at', 'delivered_at') }} as hours_to_deliver,
    {{ hours_between('placed_at', 'delivered_at') }} as hours_to_customer,
    case when dispatched_at is null then null when dispatch_due_at is null then true else dispatched_at <= dispatch_due_at end as dispatched_on_time
from {{ ref('dwd_shipments') }}
where {{ partition_filter('business_date') }}
