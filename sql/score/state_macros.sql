-- Macros of the score state (docs/state.md), per connection.
-- score_weight: E(x) = 2^(53 + (x - epoch) / half_life) as an exact integer (a double with 53 significant bits,
-- >= 2^53, so the cast loses nothing); a reaction on day x adds E(x) to a sum, and on night d the decayed sum is
-- S / E(d), whatever order the sum was built in.
create or replace temp macro score_weight(day, epoch, half_life) as
    cast(pow(2.0, 53 + (day - epoch) / half_life) as hugeint);

-- score_edges: the engagement rows that enter the state (days in_from .. in_to, sign 1) or leave it (day out_day,
-- sign -1), without excluded accounts, each with its signed weight `e`: one row per network, actor, target, day.
create or replace temp macro score_edges(epoch, half_life, in_from, in_to, out_day) as table
with days as (
    select *, 1 as sign from marts.engagement_daily where activity_date between in_from and in_to
    union all
    select *, -1 as sign from marts.engagement_daily where activity_date = out_day
),

final as (
    select d.network, d.actor_id, d.target_id, d.activity_date, d.sign,
           d.sign * score_weight(d.activity_date, epoch, half_life) as e,
           d.reposts, d.quotes, d.replies, d.mentions, d.likes
    from days as d
    anti join score_excluded as a on a.network = d.network and a.account_id = d.actor_id
    anti join score_excluded as t on t.network = d.network and t.account_id = d.target_id
)

select * from final;
