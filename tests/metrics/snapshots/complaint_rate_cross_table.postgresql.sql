-- use_rollups=False
SELECT CAST(date_trunc('month', received_on) AS DATE) AS t, count(*) AS complaints__count 
FROM complaints 
WHERE received_on >= %(received_on_1)s::DATE AND received_on < %(received_on_2)s::DATE AND product IN (__[POSTCOMPILE_product_1]) GROUP BY CAST(date_trunc('month', received_on) AS DATE)
;
SELECT month AS t, sum(active_customers) AS customers__sum 
FROM customer_base 
WHERE month >= %(month_1)s::DATE AND month < %(month_2)s::DATE AND product IN (__[POSTCOMPILE_product_1]) GROUP BY month
-- use_rollups=True
SELECT CAST(date_trunc('month', received_on) AS DATE) AS t, count(*) AS complaints__count 
FROM complaints 
WHERE received_on >= %(received_on_1)s::DATE AND received_on < %(received_on_2)s::DATE AND product IN (__[POSTCOMPILE_product_1]) GROUP BY CAST(date_trunc('month', received_on) AS DATE)
;
SELECT month AS t, sum(active_customers) AS customers__sum 
FROM customer_base 
WHERE month >= %(month_1)s::DATE AND month < %(month_2)s::DATE AND product IN (__[POSTCOMPILE_product_1]) GROUP BY month
