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
        {{ item('s', 'shipmentId', 'text') }} as shipment_id,
        {{ item('s', 'number', 'text') }} as shipment_number,
        {{ item('s', 'requestId', 'text') }} as request_id,
        {{ item('s', 'warehouse', 'text') }} as warehouse,
        {{ item('s', 'carrier', 'text') }} as carrier,
        {{ item('s', 'serviceLevel', 'text') }} as service_level,
        {{ item('s', 'createdAt', 'timestamp') }} as created_at,
        e.payload
    from (
        select e.*, {{ json_struct('e.payload', 'shipmentId text, number text, requestId text, warehouse text, carrier text, serviceLevel text, createdAt timestamp') }} as s
        from events e
        where e.type = 'ShipmentCreated'
    ) e
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
        {{ item('s', 'shipmentId', 'text') }} as shipment_id,
        min(case when type = 'ShipmentDispatched' then {{ item('s', 'dispatchedAt', 'timestamp') }} end) as dispatched_at,
        min(case when type = 'ShipmentDelivered' then {{ item('s', 'deliveredAt', 'timestamp') }} end) as delivered_at,
        max(case when type = 'DeliveryFailed' then {{ item('s', 'at', 'timestamp') }} end) as failed_at,
        min(case when type = 'ReturnToOriginReceived' then {{ item('s', 'receivedAt', 'timestamp') }} end) as returned_at,
        min(case when type = 'ShipmentCancelled' then {{ item('s', 'cancelledAt', 'timestamp') }} end) as cancelled_at
    from (
        select e.type, {{ json_struct('e.payload', 'shipmentId text, dispatchedAt timestamp, deliveredAt timestamp, at timestamp, receivedAt timestamp, cancelledAt timestamp') }} as s
        from events e
        where e.type in ('ShipmentDispatched', 'ShipmentDelivered', 'DeliveryFailed', 'ReturnToOriginReceived', 'ShipmentCancelled')
    ) x
    group by {{ item('s', 'shipmentId', 'text') }}
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
