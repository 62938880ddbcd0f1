-- layer: dwd
-- materialized: partitioned
-- grain: shipment_id
-- description: The shipments of the orders placed on the business date: warehouse, carrier, service level, units, and when each was created, due to leave, dispatched, delivered, failed, returned to origin or cancelled.
-- test: unique(shipment_id)
-- test: not_null(shipment_id, order_id, warehouse, status)
-- test: accepted_values(status: created, dispatched, delivered, delivery_failed, returned_to_origin, cancelled)
with events as (
    select * from {{ ref('dwd_order_events') }} where {{ partition_filter('business_date') }}
),
created as (
    select
        e.business_date, e.order_id,
        {{ json_text('e.payload', 'shipmentId') }} as shipment_id,
        {{ json_text('e.payload', 'number') }} as shipment_number,
        {{ json_text('e.payload', 'requestId') }} as request_id,
        {{ json_text('e.payload', 'warehouse') }} as warehouse,
        {{ json_text('e.payload', 'carrier') }} as carrier,
        {{ json_text('e.payload', 'serviceLevel') }} as service_level,
        {{ json_value('e.payload', 'createdAt', 'timestamp') }} as created_at,
        e.payload
    from events e
    where e.type = 'ShipmentCreated'
),
units as (
    select shipment_id, sum({{ item('l', 'quantity', 'decimal') }}) as units
    from (select shipment_id, {{ json_array('payload', 'lines', 'sku text, quantity decimal') }} as l from created) x
    group by shipment_id
),
requests as (
    select {{ json_text('e.payload', 'requestId') }} as request_id, {{ json_value('e.payload', 'dispatchDueAt', 'timestamp') }} as dispatch_due_at
    from events e
    where e.type = 'ShipmentsRequested'
),
steps as (
    select
        {{ json_text('e.payload', 'shipmentId') }} as shipment_id,
        min(case when e.type = 'ShipmentDispatched' then {{ json_value('e.payload', 'dispatchedAt', 'timestamp') }} end) as dispatched_at,
        min(case when e.type = 'ShipmentDelivered' then {{ json_value('e.payload', 'deliveredAt', 'timestamp') }} end) as delivered_at,
        max(case when e.type = 'DeliveryFailed' then {{ json_value('e.payload', 'at', 'timestamp') }} end) as failed_at,
        min(case when e.type = 'ReturnToOriginReceived' then {{ json_value('e.payload', 'receivedAt', 'timestamp') }} end) as returned_at,
        min(case when e.type = 'ShipmentCancelled' then {{ json_value('e.payload', 'cancelledAt', 'timestamp') }} end) as cancelled_at
    from events e
    where e.type in ('ShipmentDispatched', 'ShipmentDelivered', 'DeliveryFailed', 'ReturnToOriginReceived', 'ShipmentCancelled')
    group by {{ json_text('e.payload', 'shipmentId') }}
)
select
    c.business_date, c.shipment_id, c.shipment_number, c.order_id, c.warehouse, c.carrier, c.service_level,
    coalesce(u.units, 0) as units,
    o.placed_at, o.channel,
    c.created_at, r.dispatch_due_at, s.dispatched_at, s.delivered_at, s.failed_at, s.returned_at, s.cancelled_at,
    case
        when s.cancelled_at is not null then 'cancelled'
        when s.returned_at is not null then 'returned_to_origin'
        when s.delivered_at is not null then 'delivered'
        when s.failed_at is not null then 'delivery_failed'
        when s.dispatched_at is not null then 'dispatched'
        else 'created'
    end as status
from created c
join {{ ref('dwd_orders') }} o on o.order_id = c.order_id and {{ partition_filter('o.business_date') }}
left join units u on u.shipment_id = c.shipment_id
left join requests r on r.request_id = c.request_id
left join steps s on s.shipment_id = c.shipment_id
