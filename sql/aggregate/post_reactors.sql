-- marts.post_reactors for one logical date: one row per network post and reactor, on the reaction's day.
-- A reaction is linked to a post by the interaction's post id (when it names the target's post) or by a post
-- of the reactor that replies to, reposts or quotes it.
delete from marts.post_reactors where activity_date = $logical_date;

insert into marts.post_reactors
with by_interaction as (
    select i.network, i.post_id, i.target_id as author_id, i.actor_id, i.event_date as activity_date
    from staging.interactions as i
    inner join staging.posts as p on p.network = i.network and p.post_id = i.post_id and p.author_id = i.target_id
    where i.event_date = $logical_date and i.actor_id <> i.target_id and i.kind <> 'follow'
),

by_reference as (
    select r.network, t.post_id, t.author_id, r.author_id as actor_id, r.event_date as activity_date
    from staging.posts as r
    inner join staging.posts as t
        on t.network = r.network
        and t.post_id in (r.reply_to_post_id, r.repost_of_post_id, r.quote_of_post_id)
    where r.event_date = $logical_date and r.author_id <> t.author_id
),

final as (
    select network, post_id, author_id, actor_id, min(activity_date) as activity_date
    from (select * from by_interaction union all select * from by_reference)
    group by all
)

select * from final;
