-- The networks this warehouse holds data of: what an opt-out of one account may name (a misspelt network would
-- register an opt-out that never matches, and the person would believe they are out). Grain: one row per network.
select network from staging.accounts
union
select network from staging.interactions
union
select network from staging.posts
order by network
