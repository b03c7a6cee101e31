-- use_rollups=False
SELECT date(disbursed_on, 'start of month') AS t, sum(amount) AS value__sum 
FROM loans 
WHERE disbursed_on >= ? AND disbursed_on < ? AND product IN (__[POSTCOMPILE_product_1]) GROUP BY date(disbursed_on, 'start of month')
-- use_rollups=True
SELECT date(disbursed_on, 'start of month') AS t, sum(amount) AS value__sum 
FROM loans 
WHERE disbursed_on >= ? AND disbursed_on < ? AND product IN (__[POSTCOMPILE_product_1]) GROUP BY date(disbursed_on, 'start of month')
