-- use_rollups=False
SELECT CAST(date_trunc('month', responded_on) AS DATE) AS t, count(CASE WHEN (score >= %(score_1)s::INTEGER) THEN %(param_1)s::INTEGER END) AS promoters__count, count(CASE WHEN (score <= %(score_2)s::INTEGER) THEN %(param_2)s::INTEGER END) AS detractors__count, count(*) AS responses__count 
FROM nps_responses 
WHERE responded_on >= %(responded_on_1)s::DATE AND responded_on < %(responded_on_2)s::DATE AND segment IN (__[POSTCOMPILE_segment_1]) GROUP BY CAST(date_trunc('month', responded_on) AS DATE)
-- use_rollups=True
SELECT CAST(date_trunc('month', responded_on) AS DATE) AS t, count(CASE WHEN (score >= %(score_1)s::INTEGER) THEN %(param_1)s::INTEGER END) AS promoters__count, count(CASE WHEN (score <= %(score_2)s::INTEGER) THEN %(param_2)s::INTEGER END) AS detractors__count, count(*) AS responses__count 
FROM nps_responses 
WHERE responded_on >= %(responded_on_1)s::DATE AND responded_on < %(responded_on_2)s::DATE AND segment IN (__[POSTCOMPILE_segment_1]) GROUP BY CAST(date_trunc('month', responded_on) AS DATE)
