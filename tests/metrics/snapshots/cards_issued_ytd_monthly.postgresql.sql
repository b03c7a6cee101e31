-- use_rollups=False
SELECT CAST(date_trunc('month', issued_on) AS DATE) AS t, count(*) AS value__count 
FROM cards 
WHERE issued_on >= %(issued_on_1)s::DATE AND issued_on < %(issued_on_2)s::DATE AND product IN (__[POSTCOMPILE_product_1]) GROUP BY CAST(date_trunc('month', issued_on) AS DATE)
-- use_rollups=True
SELECT CAST(date_trunc('month', issued_on) AS DATE) AS t, count(*) AS value__count 
FROM cards 
WHERE issued_on >= %(issued_on_1)s::DATE AND issued_on < %(issued_on_2)s::DATE AND product IN (__[POSTCOMPILE_product_1]) GROUP BY CAST(date_trunc('month', issued_on) AS DATE)
