-- use_rollups=False
SELECT product AS product, sum(decision_hours) AS value__sum, count(decision_hours) AS value__count 
FROM applications 
WHERE applied_on >= %(applied_on_1)s::DATE AND applied_on < %(applied_on_2)s::DATE AND product IN (__[POSTCOMPILE_product_1]) GROUP BY product
-- use_rollups=True
SELECT product AS product, sum(decision_hours) AS value__sum, count(decision_hours) AS value__count 
FROM applications 
WHERE applied_on >= %(applied_on_1)s::DATE AND applied_on < %(applied_on_2)s::DATE AND product IN (__[POSTCOMPILE_product_1]) GROUP BY product
