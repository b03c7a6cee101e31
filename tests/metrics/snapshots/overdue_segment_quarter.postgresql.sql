-- use_rollups=False
SELECT month AS t, segment AS segment, sum(CASE WHEN (dpd > %(dpd_1)s::INTEGER) THEN balance END) AS numerator__sum, sum(balance) AS denominator__sum 
FROM loan_snapshots 
WHERE month >= %(month_1)s::DATE AND month < %(month_2)s::DATE AND product IN (__[POSTCOMPILE_product_1]) GROUP BY month, segment
-- use_rollups=True
SELECT month AS t, segment AS segment, sum(balance_m3) AS numerator__sum, sum(balance_total) AS denominator__sum 
FROM loan_snapshot_rollup 
WHERE month >= %(month_1)s::DATE AND month < %(month_2)s::DATE AND product IN (__[POSTCOMPILE_product_1]) GROUP BY month, segment
