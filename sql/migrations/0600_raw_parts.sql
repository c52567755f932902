-- Raw parts (issue 19): each part's raw, log-scale value beside its points, so the next night can split its
-- change into the change each part alone makes (Shapley values over the parts, transforms/model.py
-- with_shapley). Null on rows written before this migration; the change then falls back to the difference of
-- the parts' points. Same columns, same order, in candidate and published (publish copies them as they are).
alter table candidate.scores add column raw_reach double;
alter table candidate.scores add column raw_engagement double;
alter table candidate.scores add column raw_rate double;
alter table candidate.scores add column raw_impact double;
alter table candidate.scores add column raw_audience double;
alter table candidate.scores add column raw_discount double;

alter table published.scores add column raw_reach double;
alter table published.scores add column raw_engagement double;
alter table published.scores add column raw_rate double;
alter table published.scores add column raw_impact double;
alter table published.scores add column raw_audience double;
alter table published.scores add column raw_discount double;
