-- layer: dim
-- materialized: table
-- grain: sku, version_no
-- description: Products as they were over time (slowly changing, type 2): each version of a SKU's name, category and price with the moment it became valid and the moment the next version replaced it (9999-12-31 for the current one, so that a join by time is a plain range).
-- test: unique(sku, version_no)
-- test: not_null(sku, name, category, valid_from)
with versions as (
    select
        e.aggregate_id as sku,
        {{ json_text('e.payload', 'productId') }} as product_id,
        {{ json_text('e.payload', 'name') }} as name,
        {{ json_text('e.payload', 'category') }} as category,
        {{ json_text('e.payload', 'unit') }} as unit,
        {{ json_value('e.payload', 'price', 'decimal') }} as price,
        {{ json_text('e.payload', 'currency') }} as currency,
        {{ json_value('e.payload', 'version', 'bigint') }} as product_version,
        e.occurred_at,
        e.event_id
    from {{ ref('ods_events') }} e
    where e.producer = 'catalog' and e.type in ('ProductCreated', 'ProductChanged')
),
ordered as (
    select v.*, row_number() over (partition by v.sku order by v.product_version, v.occurred_at, v.event_id) as version_no
    from versions v
)
select
    o.sku, o.version_no, o.product_id, o.name, o.category, o.unit, o.price, o.currency,
    case when o.version_no = 1 then CAST('1970-01-01 00:00:00+00' AS {{ type('timestamp') }}) else o.occurred_at end as valid_from,
    coalesce(lead(o.occurred_at) over (partition by o.sku order by o.version_no), CAST('9999-12-31 00:00:00+00' AS {{ type('timestamp') }})) as valid_to,
    lead(o.occurred_at) over (partition by o.sku order by o.version_no) is null as is_current
from ordered o
