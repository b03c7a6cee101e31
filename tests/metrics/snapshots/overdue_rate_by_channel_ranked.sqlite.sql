-- use_rollups=False
SELECT month AS t, channel AS channel, sum(CASE WHEN (classification IN (__[POSTCOMPILE_classification_1])) THEN balance END) AS numerator__sum, sum(balance) AS denominator__sum 
FROM loan_snapshots 
WHERE month >= ? AND month < ? AND product IN (__[POSTCOMPILE_product_1]) GROUP BY month, channel
-- use_rollups=True
SELECT month AS t, channel AS channel, sum(balance_npl) AS numerator__sum, sum(balance_total) AS denominator__sum 
FROM loan_snapshot_rollup 
WHERE month >= ? AND month < ? AND product IN (__[POSTCOMPILE_product_1]) GROUP BY month, channel
