-- use_rollups=False
SELECT date(received_on, 'start of month') AS t, count(*) AS complaints__count 
FROM complaints 
WHERE received_on >= ? AND received_on < ? AND product IN (__[POSTCOMPILE_product_1]) GROUP BY date(received_on, 'start of month')
;
SELECT month AS t, sum(active_customers) AS customers__sum 
FROM customer_base 
WHERE month >= ? AND month < ? AND product IN (__[POSTCOMPILE_product_1]) GROUP BY month
-- use_rollups=True
SELECT date(received_on, 'start of month') AS t, count(*) AS complaints__count 
FROM complaints 
WHERE received_on >= ? AND received_on < ? AND product IN (__[POSTCOMPILE_product_1]) GROUP BY date(received_on, 'start of month')
;
SELECT month AS t, sum(active_customers) AS customers__sum 
FROM customer_base 
WHERE month >= ? AND month < ? AND product IN (__[POSTCOMPILE_product_1]) GROUP BY month
