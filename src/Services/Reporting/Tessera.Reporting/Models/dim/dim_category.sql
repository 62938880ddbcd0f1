-- layer: dim
-- materialized: table
-- grain: category
-- description: Product categories, with how many SKUs are in each now.
-- test: unique(category)
-- test: not_null(category)
select category, count(*) as products
from {{ ref('dim_product') }}
where is_current
group by category
