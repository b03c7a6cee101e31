-- use_rollups=False
SELECT date(responded_on, 'start of month') AS t, count(CASE WHEN (score >= ?) THEN ? END) AS promoters__count, count(CASE WHEN (score <= ?) THEN ? END) AS detractors__count, count(*) AS responses__count 
FROM nps_responses 
WHERE responded_on >= ? AND responded_on < ? AND segment IN (__[POSTCOMPILE_segment_1]) GROUP BY date(responded_on, 'start of month')
-- use_rollups=True
SELECT date(responded_on, 'start of month') AS t, count(CASE WHEN (score >= ?) THEN ? END) AS promoters__count, count(CASE WHEN (score <= ?) THEN ? END) AS detractors__count, count(*) AS responses__count 
FROM nps_responses 
WHERE responded_on >= ? AND responded_on < ? AND segment IN (__[POSTCOMPILE_segment_1]) GROUP BY date(responded_on, 'start of month')
