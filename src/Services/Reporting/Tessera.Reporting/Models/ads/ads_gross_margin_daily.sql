-- layer: ads
-- materialized: partitioned
-- metric: gross_margin_daily
-- group_by: category, warehouse
-- grain: business_date, dimension, member, currency
-- deadline: 06:00
-- reads_all_dates: dwd_order_lines, dwd_receivables, dwd_stock_movements
-- description: Gross margin per business date on the goods that left (sales-out) or came back (customer-return-in) that day: revenue at the order lines' prices without VAT, cost of goods at the moving-average cost inventory issued them at, margin and margin rate. From inventory's and orders' events. Alongside, on the total rows, the margin as the books see it, from finance's invoices and credit notes dated that day (their document date): invoiced and credited net of VAT, the cost of sales finance posted for them (what the event carries; inventory's value of the same shipment or return when the cost was posted after the document, which is what finance posted), booked revenue, COGS, margin and rate. Null where no finance document falls, and on category and warehouse rows (finance's documents carry no cost per category or warehouse).
-- test: unique(business_date, dimension, member, currency)
-- test: accepted_values(dimension: total, category, warehouse)
with moves as (
    select business_date, order_id, sku, warehouse, movement_type, quantity, value
    from {{ ref('dwd_stock_movements') }}
    where {{ partition_filter('business_date') }} and movement_type in ('sales-out', 'customer-return-in') and order_id is not null
),
prices as (
    select order_id, sku, CAST(sum(line_total - tax_amount) AS {{ type('wide') }}) / nullif(sum(quantity), 0) as unit_revenue, min(category) as category, min(currency) as currency
    from {{ ref('dwd_order_lines') }}
    where order_id in (select order_id from moves)
    group by order_id, sku
),
facts as (
    select m.business_date, coalesce(p.category, 'Uncategorized') as category, m.warehouse, coalesce(p.currency, 'VND') as currency,
           CAST(round(CAST(-m.quantity AS {{ type('wide') }}) * coalesce(p.unit_revenue, 0), 4) AS {{ type('decimal') }}) as revenue,
           -m.value as cogs, -m.quantity as units,
           CAST(NULL AS {{ type('decimal') }}) as invoiced_net, CAST(NULL AS {{ type('decimal') }}) as credited_net,
           CAST(NULL AS {{ type('decimal') }}) as cost_invoiced, CAST(NULL AS {{ type('decimal') }}) as cost_returned
    from moves m
    left join prices p on p.order_id = m.order_id and p.sku = m.sku
),
documents as (
    select document_date, kind, currency, net, cost_of_sales, coalesce(shipment_id, return_id) as source_id,
           case kind when 'invoice' then 'shipment' else 'customer-return' end as source_type
    from {{ ref('dwd_receivables') }}
    where kind in ('invoice', 'credit_note') and {{ partition_filter('document_date') }}
),
-- A document issued before finance had posted its cost carries none; finance posts inventory's value for the same
-- shipment or return, dated as the document, so that value stands in for it.
document_costs as (
    select source_type, source_id, sum(value) as value
    from {{ ref('dwd_stock_movements') }}
    where ((movement_type = 'sales-out' and source_type = 'shipment') or (movement_type = 'customer-return-in' and source_type = 'customer-return'))
      and source_id in (select source_id from documents where cost_of_sales is null)
    group by source_type, source_id
),
booked as (
    select d.document_date as business_date, d.currency,
           case when d.kind = 'invoice' then d.net else 0 end as invoiced_net,
           case when d.kind = 'credit_note' then -d.net else 0 end as credited_net,
           case when d.kind = 'invoice' then coalesce(d.cost_of_sales, -c.value, 0) else 0 end as cost_invoiced,
           case when d.kind = 'credit_note' then -coalesce(d.cost_of_sales, -c.value, 0) else 0 end as cost_returned
    from documents d
    left join document_costs c on c.source_type = d.source_type and c.source_id = d.source_id
),
exploded as (
    select 'total' as dimension, 'total' as member, f.* from facts f
    union all
    select 'category', f.category, f.* from facts f
    union all
    select 'warehouse', f.warehouse, f.* from facts f
    union all
    select 'total', 'total', b.business_date, 'Uncategorized', '', b.currency, 0, 0, 0, b.invoiced_net, b.credited_net, b.cost_invoiced, b.cost_returned
    from booked b
),
summed as (
    select
        business_date, dimension, member, currency,
        sum(units) as units, sum(revenue) as revenue, sum(cogs) as cogs,
        sum(invoiced_net) as invoiced_net, sum(credited_net) as credited_net, sum(cost_invoiced) as cost_invoiced, sum(cost_returned) as cost_returned
    from exploded
    group by business_date, dimension, member, currency
)
select
    business_date, dimension, member, currency, units, revenue, cogs, revenue - cogs as gross_margin,
    CAST(round((revenue - cogs) / nullif(revenue, 0), 4) AS {{ type('decimal') }}) as margin_rate,
    invoiced_net, credited_net, cost_invoiced, cost_returned,
    invoiced_net - credited_net as booked_revenue, cost_invoiced - cost_returned as booked_cogs,
    (invoiced_net - credited_net) - (cost_invoiced - cost_returned) as booked_margin,
    CAST(round(((invoiced_net - credited_net) - (cost_invoiced - cost_returned)) / nullif(invoiced_net - credited_net, 0), 4) AS {{ type('decimal') }}) as booked_margin_rate
from summed
