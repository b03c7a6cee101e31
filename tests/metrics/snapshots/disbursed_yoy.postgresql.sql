-- use_rollups=False
SELECT CAST(date_trunc('month', disbursed_on) AS DATE) AS t, sum(amount) AS value__sum 
FROM loans 
WHERE disbursed_on >= %(disbursed_on_1)s::DATE AND disbursed_on < %(disbursed_on_2)s::DATE AND product IN (__[POSTCOMPILE_product_1]) GROUP BY CAST(date_trunc('month', disbursed_on) AS DATE)
-- use_rollups=True
SELECT CAST(date_trunc('month', disbursed_on) AS DATE) AS t, sum(amount) AS value__sum 
FROM loans 
WHERE disbursed_on >= %(disbursed_on_1)s::DATE AND disbursed_on < %(disbursed_on_2)s::DATE AND product IN (__[POSTCOMPILE_product_1]) GROUP BY CAST(date_trunc('month', disbursed_on) AS DATE)
