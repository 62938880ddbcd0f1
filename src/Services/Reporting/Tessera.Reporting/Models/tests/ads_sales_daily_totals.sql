-- test_of: ads_sales_daily
-- The total row of a day holds every order; no channel holds more orders than the total.
select c.member
from {{ this }} c
join {{ this }} t on t.business_date = c.business_date and t.currency = c.currency and t.dimension = 'total'
where c.dimension = 'channel' and c.orders > t.orders and {{ partition_filter('c.business_date') }}
