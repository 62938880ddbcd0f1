-- layer: ods
-- materialized: view
-- grain: upload_id, row_no
-- description: Advertising spend as uploaded (Models/sources/ad_spend.json), typed.
select
    u.upload_id,
    u.row_no,
    u.business_date,
    {{ json_text('u.payload', 'channel') }} as channel,
    {{ json_text('u.payload', 'campaign') }} as campaign,
    {{ json_value('u.payload', 'amount', 'decimal') }} as amount,
    {{ json_text('u.payload', 'currency') }} as currency
from {{ ref('ods_uploads') }} u
where u.source = 'ad_spend'
