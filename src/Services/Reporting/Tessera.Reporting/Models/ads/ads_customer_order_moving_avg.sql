-- layer: ads
-- materialized: table
-- metric: customer_order_moving_avg
-- grain: customer_ref, order_number
-- description: For every order of a customer (by the customer reference of another system; no personal data), the moving average of the totals of that customer's last three orders up to and including it, in the order they were placed. Cancelled and rejected orders are not the customer's orders and are left out.
-- test: unique(customer_ref, order_number)
-- test: not_null(customer_ref, moving_avg_3)
select
    business_date, customer_ref, order_number, order_id, placed_at, currency, grand_total,
    row_number() over (partition by customer_ref order by placed_at, order_number) as order_seq,
    CAST(round(avg(grand_total) over (partition by customer_ref order by placed_at, order_number rows between 2 preceding and current row), 4)
         AS {{ type('decimal') }}) as moving_avg_3
from {{ ref('dwd_orders') }}
where customer_ref is not null and not is_cancelled and not is_rejected
