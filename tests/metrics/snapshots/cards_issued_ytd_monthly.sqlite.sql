-- use_rollups=False
SELECT date(issued_on, 'start of month') AS t, count(*) AS value__count 
FROM cards 
WHERE issued_on >= ? AND issued_on < ? AND product IN (__[POSTCOMPILE_product_1]) GROUP BY date(issued_on, 'start of month')
-- use_rollups=True
SELECT date(issued_on, 'start of month') AS t, count(*) AS value__count 
FROM cards 
WHERE issued_on >= ? AND issued_on < ? AND product IN (__[POSTCOMPILE_product_1]) GROUP BY date(issued_on, 'start of month')
