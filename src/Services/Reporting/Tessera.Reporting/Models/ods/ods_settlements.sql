-- layer: ods
-- materialized: view
-- grain: upload_id, row_no
-- description: Marketplace settlement reports as uploaded (Models/sources/marketplace_settlement.json), typed.
select
    u.upload_id,
    u.row_no,
    u.business_date,
    {{ json_text('u.payload', 'marketplace') }} as marketplace,
    {{ json_text('u.payload', 'order_ref') }} as order_ref,
    {{ json_value('u.payload', 'gross_amount', 'decimal') }} as gross_amount,
    coalesce({{ json_value('u.payload', 'fee_amount', 'decimal') }}, 0) as fee_amount,
    {{ json_value('u.payload', 'payout_amount', 'decimal') }} as payout_amount,
    {{ json_text('u.payload', 'currency') }} as currency
from {{ ref('ods_uploads') }} u
where u.source = 'marketplace_settlement'
