-- use_rollups=False
SELECT month AS t, region AS region, sum(bank_balance) AS numerator__sum, sum(market_balance) AS denominator__sum 
FROM market_totals 
WHERE month >= %(month_1)s::DATE AND month < %(month_2)s::DATE AND product IN (__[POSTCOMPILE_product_1]) GROUP BY month, region
-- use_rollups=True
SELECT month AS t, region AS region, sum(bank_balance) AS numerator__sum, sum(market_balance) AS denominator__sum 
FROM market_totals 
WHERE month >= %(month_1)s::DATE AND month < %(month_2)s::DATE AND product IN (__[POSTCOMPILE_product_1]) GROUP BY month, region
