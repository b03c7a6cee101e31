-- use_rollups=False
SELECT product AS product, sum(decision_hours) AS value__sum, count(decision_hours) AS value__count 
FROM applications 
WHERE applied_on >= ? AND applied_on < ? AND product IN (__[POSTCOMPILE_product_1]) GROUP BY product
-- use_rollups=True
SELECT product AS product, sum(decision_hours) AS value__sum, count(decision_hours) AS value__count 
FROM applications 
WHERE applied_on >= ? AND applied_on < ? AND product IN (__[POSTCOMPILE_product_1]) GROUP BY product
