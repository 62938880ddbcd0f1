-- layer: ods
-- materialized: view
-- grain: month, channel
-- description: Monthly sales targets entered by hand, the latest entry of each month and channel ('*' for the whole business).
select month, channel, amount, currency, entered_by, entered_at
from (
    select
        {{ json_text('m.payload', 'month') }} as month,
        coalesce({{ json_text('m.payload', 'channel') }}, '*') as channel,
        {{ json_value('m.payload', 'amount', 'decimal') }} as amount,
        {{ json_text('m.payload', 'currency') }} as currency,
        m.entered_by,
        m.entered_at,
        row_number() over (partition by m.entry_key order by m.entered_at desc, m.entry_id desc) as latest
    from {{ ref('ods_manual_entries') }} m
    where m.kind = 'sales_target'
) t
where latest = 1
