-- layer: dim
-- materialized: table
-- grain: date
-- description: Every business date from the first event in the warehouse to the last, with its year, quarter, month, ISO week and day of the week.
-- test: unique(date)
-- test: not_null(date, year, month)
with bounds as (
    select min(business_date) as first_date, max(business_date) as last_date from {{ ref('ods_events') }}
)
select
    d.date,
    CAST(extract(year from d.date) AS {{ type('int') }}) as year,
    CAST(extract(quarter from d.date) AS {{ type('int') }}) as quarter,
    {{ month('d.date') }} as month,
    CAST(extract(week from d.date) AS {{ type('int') }}) as iso_week,
    CAST(extract(isodow from d.date) AS {{ type('int') }}) as day_of_week,
    extract(isodow from d.date) >= 6 as is_weekend
from bounds b
cross join {{ date_series('b.first_date', 'b.last_date') }} d
