-- layer: ads
-- materialized: table
-- metric: receivables_daily
-- grain: business_date, currency
-- description: Customer receivables per document date, from finance's invoices, credit notes and payments: what was invoiced, credited and collected that day, and what customers owe at the day's end (everything invoiced up to it, less what was credited and collected).
-- test: unique(business_date, currency)
-- test: not_null(business_date, currency, invoiced, credited, collected, outstanding)
with daily as (
    select
        document_date as business_date, currency,
        sum(case when kind = 'invoice' then amount else 0 end) as invoiced,
        -sum(case when kind = 'credit_note' then amount else 0 end) as credited,
        -sum(case when kind = 'payment' then amount else 0 end) as collected
    from {{ ref('dwd_receivables') }}
    group by document_date, currency
)
select
    business_date, currency, invoiced, credited, collected,
    sum(invoiced - credited - collected) over (partition by currency order by business_date rows between unbounded preceding and current row) as outstanding
from daily
