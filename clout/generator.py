"""A seeded generator of realistic social exports, for scale tests, benchmarks and later model tests.

N people over D days on several networks: power-law audiences and activity; hashtags drawn from each
person's interests in the real Klout topic ontology; replies, reposts, quotes and mentions that mostly go to
the few accounts a person already engages with; some bots (post and repost a lot, at random, tiny
audiences); some engagement rings (groups that repost and reply to each other's every post); and some bought
engagement (a burst of reposts from fresh, low-activity accounts on one day, in the later half of the
period). Every person has a latent influence (ground truth, never written into the exports): how much others
react to what they post. It drives whose circles a person joins (whom others repost, reply to, quote and
mention), which strangers' posts they react to, and how many lists others add them to; followers follow it only
loosely (popularity is not influence: follow-backs, old fame). Likes come from an author's audience (the
people who have the author in their circle, and a few active strangers): posting more brings more likes from
the same people, not new ones. The ground truth (who is a bot, who is in which ring, who bought what,
everyone's latent influence) is written beside the data in `ground_truth.json`.

Written formats: Twitter API v2 pages as twarc2 writes them (`twitter_v2/`), Mastodon account exports
(`mastodon/<user>/outbox.json` + `following_accounts.csv`), likes as a generic interaction table
(`generic/likes.csv`), and the identity links that join a person's accounts (`identity_links.csv`).
Simulation is vectorised (numpy); only the JSON writers loop per post.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import orjson
import polars as pl

from clout.settings import SAMPLE_DATA_DIR

TOPICS_FILE = SAMPLE_DATA_DIR / "klout_topics" / "klout_topic_ontology_20180601.csv"
MASTODON_HOSTS = ("mastodon.social", "fosstodon.org", "hachyderm.io")
TWITTER_ID_BASE = 1_000_000_000
CIRCLE = 20  # accounts a person mostly engages with


@dataclass(frozen=True)
class GeneratorParams:
    people: int = 1000
    days: int = 7
    seed: int = 42
    start: date = date(2024, 1, 1)
    posts_per_day: float = 2.0  # mean posts per person per day (lognormal across people)
    bot_share: float = 0.02
    rings: int = 3
    ring_size: int = 6
    bought_targets: int = 2
    buyers_per_target: int = 40
    mastodon_share: float = 0.3
    minor_share: float = 0.02
    likes_per_post: float = 3.0


@dataclass(frozen=True)
class GeneratedSummary:
    people: int
    accounts: int
    posts: int
    likes: int
    files: int

    def line(self) -> str:
        return (f"{self.people:,} people, {self.accounts:,} twitter accounts, {self.posts:,} posts, "
                f"{self.likes:,} likes in {self.files:,} files")


def topic_hashtags() -> list[str]:
    slugs = pl.read_csv(TOPICS_FILE, infer_schema=False)["topicSlug"].drop_nulls().to_list()
    return sorted({s.replace("-", "") for s in slugs if s and not s.startswith("_")})


def simulate(params: GeneratorParams) -> dict:
    """Accounts, posts and likes as Polars frames, plus the ground truth. Deterministic for a seed."""
    rng = np.random.default_rng(params.seed)
    n = params.people
    is_bot = rng.random(n) < params.bot_share
    followers = np.minimum((20 * (rng.pareto(1.1, n) + 1)).astype(np.int64), 5_000_000)
    followers[is_bot] = rng.integers(0, 30, is_bot.sum())
    rate = params.posts_per_day * rng.lognormal(-0.5, 1.0, n)
    rate[is_bot] = params.posts_per_day * 15
    tags = topic_hashtags()
    interests = rng.integers(0, len(tags), (n, 3))
    influence = latent_influence(rng, followers, is_bot)
    popularity = influence / influence.sum()  # whom others engage with: influence, not follower counts
    circles = rng.choice(n, (n, CIRCLE), p=popularity)

    counts = rng.poisson(np.repeat(rate[:, None], params.days, axis=1))
    author = np.repeat(np.repeat(np.arange(n), params.days), counts.ravel())
    day = np.repeat(np.tile(np.arange(params.days), n), counts.ravel())
    posts = _posts(rng, params, author, day, is_bot, circles, popularity, interests)
    posts, rings = _rings(rng, params, posts, is_bot)
    posts, bought, fresh = _bought(rng, params, posts, followers)
    accounts = _accounts(rng, params, followers, is_bot, fresh, influence)
    likers = np.where(is_bot, 0.0, rate) if (~is_bot).any() else rate  # strangers who like: active people
    likes = _likes(rng, params, posts, circles, likers / likers.sum())
    posts = _counters(posts, likes)
    truth = {
        "params": {k: str(v) if isinstance(v, date) else v for k, v in asdict(params).items()},
        "bots": [str(TWITTER_ID_BASE + i) for i in np.flatnonzero(is_bot)],
        "rings": [[str(TWITTER_ID_BASE + i) for i in ring] for ring in rings],
        "bought_engagement": bought,
        # Latent influence per twitter account (a person's accounts share it; bought accounts have none).
        "influence": {str(TWITTER_ID_BASE + i): round(float(v), 6) for i, v in
                      enumerate(accounts["influence"].to_numpy())},
        "interests": {str(TWITTER_ID_BASE + i): [tags[t] for t in interests[i]] for i in range(min(n, 100_000))},
    }
    return {"accounts": accounts, "posts": posts, "likes": likes, "truth": truth, "tags": tags, "is_bot": is_bot}


def latent_influence(rng, followers: np.ndarray, is_bot: np.ndarray) -> np.ndarray:
    """Each person's latent influence (median about 1, heavy-tailed). It rises with the follower count, but
    loosely (a factor of about 2.2 either way for one standard deviation): many followers with little influence
    (follow-backs, old fame) and influential people with small audiences both occur. Bots have almost none."""
    influence = (followers / 20.0 + 1.0) ** 0.7 * rng.lognormal(-0.5, 0.8, len(followers))
    return np.where(is_bot, 0.01 * influence, influence)


def _posts(rng, params, author, day, is_bot, circles, popularity, interests) -> pl.DataFrame:
    m = len(author)
    start = datetime(params.start.year, params.start.month, params.start.day)
    seconds = day * 86400 + rng.integers(0, 86400, m)
    u = rng.random(m)
    kind = np.where(u < 0.5, "original", np.where(u < 0.7, "reply", np.where(u < 0.92, "repost", "quote")))
    kind = np.where(is_bot[author] & (rng.random(m) < 0.8), "repost", kind)
    # who they react to: mostly their circle, sometimes anyone (by popularity); bots at random
    in_circle = rng.random(m) < 0.8
    target = np.where(in_circle, circles[author, rng.integers(0, CIRCLE, m)],
                      rng.choice(len(popularity), m, p=popularity))
    target = np.where(is_bot[author], rng.integers(0, len(popularity), m), target)
    target = np.where(target == author, circles[author, 0], target)
    mention = np.where((kind == "original") & (rng.random(m) < 0.3), circles[author, rng.integers(0, CIRCLE, m)], -1)
    n_tags = np.where(rng.random(m) < 0.6, rng.integers(1, 3, m), 0)
    tag1 = interests[author, rng.integers(0, 3, m)]
    tag2 = interests[author, rng.integers(0, 3, m)]
    return pl.DataFrame({
        "post_no": np.arange(m, dtype=np.int64), "author": author, "kind": kind, "target": target,
        "mention": mention,
        "created_at": (np.datetime64(start, "us") + seconds.astype("timedelta64[s]")).astype("datetime64[us]"),
        "tag1": tag1, "tag2": np.where(n_tags > 1, tag2, -1), "n_tags": n_tags,
    }).pipe(_references, rng)


def _references(posts: pl.DataFrame, rng) -> pl.DataFrame:
    """Point each reply/repost/quote at an earlier original of its target (none yet: it becomes an original)."""
    originals = posts.filter(pl.col("kind") == "original").select(
        pl.col("author").alias("target"), pl.col("post_no").alias("ref_post"), pl.col("created_at").alias("ref_at"))
    reacting = posts.filter(pl.col("kind") != "original").sort("created_at")
    if reacting.height:
        joined = reacting.join_asof(originals.sort("ref_at"), left_on="created_at", right_on="ref_at", by="target",
                                    strategy="backward", check_sortedness=False)
    else:
        joined = reacting.with_columns(ref_post=pl.lit(None, pl.Int64), ref_at=pl.lit(None, pl.Datetime("us")))
    out = pl.concat([posts.filter(pl.col("kind") == "original").with_columns(ref_post=pl.lit(None, pl.Int64)),
                     joined.select(*posts.columns, "ref_post")], how="vertical_relaxed")
    return out.with_columns(kind=pl.when(pl.col("ref_post").is_null() & (pl.col("kind") != "original"))
                            .then(pl.lit("original")).otherwise("kind")).sort("post_no")


def _rings(rng, params, posts: pl.DataFrame, is_bot) -> tuple[pl.DataFrame, list[list[int]]]:
    """Each ring member reposts every original of every other member within the hour."""
    humans = np.flatnonzero(~is_bot)
    rings = [sorted(rng.choice(humans, params.ring_size, replace=False).tolist())
             for _ in range(params.rings)] if len(humans) >= params.ring_size else []
    extra = []
    next_no = posts.height
    for ring in rings:
        own = posts.filter(pl.col("author").is_in(ring) & (pl.col("kind") == "original"))
        for member in ring:
            theirs = own.filter(pl.col("author") != member)
            extra.append(theirs.select(
                (pl.int_range(pl.len()) + next_no).cast(pl.Int64).alias("post_no"),
                pl.lit(member, pl.Int64).alias("author"), pl.lit("repost").alias("kind"),
                pl.col("author").alias("target"), pl.lit(-1, pl.Int64).alias("mention"),
                (pl.col("created_at") + pl.duration(minutes=5 + member % 50)).alias("created_at"),
                pl.col("tag1"), pl.col("tag2"), pl.col("n_tags"), pl.col("post_no").alias("ref_post")))
            next_no += theirs.height
    if extra:
        posts = pl.concat([posts, *extra], how="vertical_relaxed")
    return posts, rings


def _bought(rng, params, posts: pl.DataFrame, followers) -> tuple[pl.DataFrame, list[dict], int]:
    """Fresh low-activity accounts (ids past the people) repost one original of a target in one burst.

    The burst comes in the later half of the period, so the data holds days of the network from before it, as
    a real export would: on a data set's first days everyone is new, and no one can tell a fresh account."""
    originals = posts.filter(pl.col("kind") == "original")
    start = datetime(params.start.year, params.start.month, params.start.day)
    later = originals.filter(pl.col("created_at") >= start + timedelta(days=(params.days + 1) // 2))
    originals = later if later.height else originals
    bought, extra, fresh = [], [], 0
    next_no, next_account = posts.height, len(followers)
    if originals.height == 0:
        return posts, bought, 0
    for _ in range(params.bought_targets):
        post = originals.row(int(rng.integers(0, originals.height)), named=True)
        buyers = np.arange(next_account, next_account + params.buyers_per_target)
        next_account += len(buyers)
        fresh += len(buyers)
        burst = post["created_at"] + timedelta(minutes=30)
        extra.append(pl.DataFrame({
            "post_no": np.arange(next_no, next_no + len(buyers), dtype=np.int64), "author": buyers,
            "kind": "repost", "target": post["author"], "mention": -1,
            "created_at": [burst + timedelta(seconds=int(s)) for s in rng.integers(0, 600, len(buyers))],
            "tag1": post["tag1"], "tag2": post["tag2"], "n_tags": post["n_tags"], "ref_post": post["post_no"]}))
        next_no += len(buyers)
        bought.append({"target": str(TWITTER_ID_BASE + post["author"]), "post_id": str(post["post_no"] + 1),
                       "date": str(post["created_at"].date()),
                       "buyers": [str(TWITTER_ID_BASE + b) for b in buyers]})
    return pl.concat([posts, *extra], how="vertical_relaxed"), bought, fresh


def _accounts(rng, params, followers, is_bot, fresh: int, influence: np.ndarray) -> pl.DataFrame:
    n = len(followers)
    all_followers = np.concatenate([followers, rng.integers(0, 5, fresh)])
    m = n + fresh
    all_influence = np.concatenate([influence, np.zeros(fresh)])
    # Lists are curated by others, one deliberate act at a time: they follow influence, not follower counts.
    lists = rng.poisson(2.0 * all_influence * rng.lognormal(0.0, 0.5, m))
    idx = np.arange(m)
    mastodon = np.concatenate([rng.random(n) < params.mastodon_share, np.zeros(fresh, bool)])
    return pl.DataFrame({
        "account": idx, "person_id": [f"p{i:07d}" for i in idx], "twitter_id": (TWITTER_ID_BASE + idx).astype(str),
        "handle": [f"user{i}" for i in idx], "followers": all_followers, "lists": lists,
        "influence": all_influence,
        "following": (rng.pareto(1.5, m) * 50).astype(np.int64) + 1,
        "mastodon": pl.Series([f"user{i}@{MASTODON_HOSTS[i % len(MASTODON_HOSTS)]}" if m else None
                               for i, m in zip(idx, mastodon, strict=True)], dtype=pl.String),
        "is_bot": np.concatenate([is_bot, np.zeros(fresh, bool)]),
        "is_minor": rng.random(m) < params.minor_share, "fresh": idx >= n,
    })


def _fans(circles: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Who has each account in their circle: (fans sorted by account, first index per account, count per account)."""
    flat = circles.ravel()
    order = np.argsort(flat, kind="stable")
    count = np.bincount(flat, minlength=len(circles))
    return order // circles.shape[1], np.concatenate([[0], np.cumsum(count)[:-1]]), count


def _likes(rng, params, posts: pl.DataFrame, circles, activity) -> pl.DataFrame:
    """Likes come from an author's audience: mostly the people who have the author in their circle (its fans),
    a few from active strangers who came across the post; so a big audience gets many likes, and a bot nobody
    follows gets almost none however much it posts. A repost's likes belong to the original."""
    fans, first, count = _fans(circles)
    likeable = posts.filter((pl.col("kind") != "repost") & (pl.col("author") < len(circles)))
    author = likeable["author"].to_numpy()
    # An average account has CIRCLE fans, so an average post gets `likes_per_post` likes.
    per_post = rng.poisson(params.likes_per_post * count[author] / CIRCLE)
    post_idx = np.repeat(np.arange(likeable.height), per_post)
    liked = author[post_idx]
    from_fan = first[liked] + (rng.random(len(post_idx)) * count[liked]).astype(np.int64)
    liker = np.where(rng.random(len(post_idx)) < 0.85, fans[np.minimum(from_fan, len(fans) - 1)],
                     rng.choice(len(activity), len(post_idx), p=activity))
    created = (likeable["created_at"].to_numpy()[post_idx]
               + rng.integers(60, 7200, len(post_idx)).astype("timedelta64[s]"))
    return pl.DataFrame({"liker": liker, "post_no": likeable["post_no"].to_numpy()[post_idx], "author": liked,
                         "created_at": created}).filter(pl.col("liker") != pl.col("author"))


def _counters(posts: pl.DataFrame, likes: pl.DataFrame) -> pl.DataFrame:
    def count(frame: pl.DataFrame, name: str) -> pl.DataFrame:
        return frame.group_by(pl.col("ref_post").alias("post_no")).agg(pl.len().cast(pl.Int64).alias(name))

    refs = posts.filter(pl.col("ref_post").is_not_null())
    like_counts = likes.group_by("post_no").agg(pl.len().cast(pl.Int64).alias("likes"))
    out = posts
    for frame in (like_counts, count(refs.filter(pl.col("kind") == "repost"), "reposts"),
                  count(refs.filter(pl.col("kind") == "reply"), "replies"),
                  count(refs.filter(pl.col("kind") == "quote"), "quotes")):
        out = out.join(frame, on="post_no", how="left")
    return out.with_columns(pl.col("likes", "reposts", "replies", "quotes").fill_null(0))


# ---- writers ---------------------------------------------------------------------------------------


def write_twitter_v2(sim: dict, folder: Path, page_size: int = 100) -> list[Path]:
    """One twarc2 file per day: pages of `data` tweets with `includes.users`/`includes.tweets`."""
    folder.mkdir(parents=True, exist_ok=True)
    posts, accounts, tags = sim["posts"], sim["accounts"], sim["tags"]
    users = {r["account"]: r for r in accounts.select("account", "twitter_id", "handle", "followers", "following",
                                                      "lists")
             .iter_rows(named=True)}
    by_no = {r["post_no"]: r for r in posts.iter_rows(named=True)}  # referenced tweets are included in full
    paths = []
    posts = posts.with_columns(day=pl.col("created_at").dt.date()).sort("created_at")
    for (day,), frame in posts.group_by("day", maintain_order=True):
        path = folder / f"tweets-{day}.jsonl"
        retrieved = f"{day + timedelta(days=1)}T02:00:00+00:00"
        with path.open("wb") as f:
            rows = list(frame.iter_rows(named=True))
            for i in range(0, len(rows), page_size):
                f.write(orjson.dumps(_page(rows[i:i + page_size], users, by_no, tags, retrieved)) + b"\n")
        paths.append(path)
    return paths


def _tweet(r: dict, users: dict, tags: list[str], ref_author: int | None) -> dict:
    text_tags = list(dict.fromkeys(tags[t] for t in (r["tag1"], r["tag2"])[: r["n_tags"]] if t >= 0))
    tweet = {"id": str(r["post_no"] + 1), "author_id": users[r["author"]]["twitter_id"],
             "created_at": r["created_at"].strftime("%Y-%m-%dT%H:%M:%S.000Z"),
             "text": " ".join(["post", *(f"#{t}" for t in text_tags)]), "lang": "en",
             "public_metrics": {"retweet_count": r.get("reposts", 0), "reply_count": r.get("replies", 0),
                                "like_count": r.get("likes", 0), "quote_count": r.get("quotes", 0)}}
    entities = {}
    if text_tags:
        entities["hashtags"] = [{"start": 0, "end": len(t) + 1, "tag": t} for t in text_tags]
    mentioned = r["mention"] if r.get("mention", -1) >= 0 else None
    if mentioned is not None:
        entities["mentions"] = [{"start": 0, "end": 9, "username": users[mentioned]["handle"],
                                 "id": users[mentioned]["twitter_id"]}]
    if entities:
        tweet["entities"] = entities
    if r["kind"] != "original" and r["ref_post"] is not None:
        kind = {"repost": "retweeted", "reply": "replied_to", "quote": "quoted"}[r["kind"]]
        tweet["referenced_tweets"] = [{"type": kind, "id": str(r["ref_post"] + 1)}]
        if r["kind"] == "reply" and ref_author is not None:
            tweet["in_reply_to_user_id"] = users[ref_author]["twitter_id"]
    return tweet


def _ref_author(r: dict, by_no: dict) -> int | None:
    ref = by_no.get(r["ref_post"]) if r["ref_post"] is not None else None
    return ref["author"] if ref else None


def _user(u: dict) -> dict:
    return {"id": u["twitter_id"], "username": u["handle"], "name": u["handle"].title(),
            "public_metrics": {"followers_count": u["followers"], "following_count": u["following"],
                               "tweet_count": 0, "listed_count": u["lists"]}}


def _page(rows: list[dict], users: dict, by_no: dict, tags: list[str], retrieved: str) -> dict:
    data, authors, refs = [], set(), {}
    for r in rows:
        ref = by_no.get(r["ref_post"]) if r["ref_post"] is not None else None
        data.append(_tweet(r, users, tags, ref["author"] if ref else None))
        authors.add(r["author"])
        if ref:
            refs[r["ref_post"]] = ref
            authors.add(ref["author"])
    # as the API does: an included tweet is the same object, with the same fields, as when it was in `data`
    ref_tweets = [_tweet(ref, users, tags, _ref_author(ref, by_no)) for ref in refs.values()]
    return {"data": data, "includes": {"users": [_user(users[a]) for a in sorted(authors)], "tweets": ref_tweets},
            "meta": {"result_count": len(data)},
            "__twarc": {"url": "https://api.twitter.com/2/tweets/search/all", "version": "2.14.0",
                        "retrieved_at": retrieved}}


def write_mastodon(sim: dict, folder: Path, limit: int = 500) -> list[Path]:
    """Outboxes (originals as Notes, reposts of other Mastodon users as Announces) and follows CSVs."""
    accounts, posts, tags = sim["accounts"], sim["posts"], sim["tags"]
    handles = dict(accounts.filter(pl.col("mastodon").is_not_null()).select("account", "mastodon").iter_rows())
    paths = []
    mine = posts.filter(pl.col("author").is_in(list(handles)[:limit]))
    for i, ((author,), frame) in enumerate(mine.group_by("author", maintain_order=True)):
        acct = handles[author]
        name, host = acct.split("@")
        actor = f"https://{host}/users/{name}"
        items = [_activity(r, actor, handles, tags) for r in frame.sort("created_at").iter_rows(named=True)]
        items = [x for x in items if x]
        box = folder / name
        box.mkdir(parents=True, exist_ok=True)
        # real exports sometimes repeat the key: an empty orderedItems, then the real one
        dup = '"orderedItems": [], ' if i % 5 == 0 else ""
        body = json.dumps(items)
        (box / "outbox.json").write_text(
            '{"@context": "https://www.w3.org/ns/activitystreams", "id": "outbox.json", '
            f'"type": "OrderedCollection", "totalItems": {len(items)}, {dup}"orderedItems": {body}}}')
        (box / "actor.json").write_text(json.dumps({"id": actor, "type": "Person", "preferredUsername": name}))
        follows = [handles[t] for t in set(frame["target"].to_list()) if t in handles and t != author]
        (box / "following_accounts.csv").write_text(
            "Account address,Show boosts,Notify on new posts,Languages\n"
            + "".join(f"{a},true,false,\n" for a in follows))
        paths.append(box)
    return paths


def _activity(r: dict, actor: str, handles: dict, tags: list[str]) -> dict | None:
    status = f"{actor}/statuses/{r['post_no'] + 1}"
    published = r["created_at"].strftime("%Y-%m-%dT%H:%M:%SZ")
    target = handles.get(r["target"])
    if r["kind"] == "repost":
        if not target:
            return None
        name, host = target.split("@")
        return {"id": f"{status}/activity", "type": "Announce", "actor": actor, "published": published,
                "object": f"https://{host}/users/{name}/statuses/{r['ref_post'] + 1}"}
    names = dict.fromkeys(tags[t] for t in (r["tag1"], r["tag2"])[: r["n_tags"]] if t >= 0)
    note_tags = [{"type": "Hashtag", "name": f"#{t}"} for t in names]
    note = {"id": status, "type": "Note", "published": published, "attributedTo": actor,
            "content": "<p>post " + " ".join(t["name"] for t in note_tags) + "</p>", "tag": note_tags}
    if r["kind"] == "reply" and target:
        name, host = target.split("@")
        note["inReplyTo"] = f"https://{host}/users/{name}/statuses/{r['ref_post'] + 1}"
        note["tag"].append({"type": "Mention", "href": f"https://{host}/users/{name}", "name": f"@{target}"})
    return {"id": f"{status}/activity", "type": "Create", "actor": actor, "published": published, "object": note}


def write_likes(sim: dict, path: Path) -> Path:
    """Likes as a generic interaction table: actor,target,time,kind,network,post_id."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ids = sim["accounts"]["twitter_id"]
    likes = sim["likes"]
    pl.DataFrame({
        "actor": ids.gather(likes["liker"]), "target": ids.gather(likes["author"]),
        "time": likes["created_at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"), "kind": "like", "network": "twitter",
        "post_id": (likes["post_no"] + 1).cast(pl.String),
    }).write_csv(path)
    return path


def write_identity_links(sim: dict, path: Path) -> Path:
    a = sim["accounts"].filter(~pl.col("fresh"))
    twitter = a.select("person_id", pl.lit("twitter").alias("network"), pl.col("twitter_id").alias("account_id"),
                       "is_minor")
    mastodon = a.filter(pl.col("mastodon").is_not_null()).select(
        "person_id", pl.lit("mastodon").alias("network"), pl.col("mastodon").alias("account_id"), "is_minor")
    pl.concat([twitter, mastodon]).sort("person_id", "network").write_csv(path)
    return path


def generate(out: Path, params: GeneratorParams) -> GeneratedSummary:
    """Write every format for `params` under `out`, with `ground_truth.json` beside the data."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sim = simulate(params)
    files = write_twitter_v2(sim, out / "twitter_v2")
    files += write_mastodon(sim, out / "mastodon")
    files.append(write_likes(sim, out / "generic" / "likes.csv"))
    files.append(write_identity_links(sim, out / "identity_links.csv"))
    truth = sim["truth"] | {"generated_at": datetime.now(UTC).isoformat(timespec="seconds")}
    (out / "ground_truth.json").write_text(json.dumps(truth, indent=1))
    return GeneratedSummary(params.people, sim["accounts"].height, sim["posts"].height, sim["likes"].height,
                            len(files))


def write_generic_interactions(path: Path, rows: int, seed: int = 0, accounts: int = 1_000_000,
                               start: date = date(2024, 1, 1), days: int = 7, chunk: int = 2_000_000) -> Path:
    """A whitespace interaction file (`actor target unix_ts kind`, Higgs-shaped) of `rows` rows, power-law
    actors and targets, written in chunks so memory stays small: the landing benchmark's input."""
    rng = np.random.default_rng(seed)
    t0 = int(datetime(start.year, start.month, start.day, tzinfo=UTC).timestamp())
    codes = np.array(["RT", "MT", "RE", "QT", "LK"])
    with Path(path).open("wb") as f:
        for done in range(0, rows, chunk):
            m = min(chunk, rows - done)
            actor = (rng.pareto(1.2, m) * 1000).astype(np.int64) % accounts
            target = (rng.pareto(1.0, m) * 100).astype(np.int64) % accounts
            ts = t0 + np.sort(rng.integers(0, days * 86400, m))
            frame = pl.DataFrame({"a": actor, "t": target, "ts": ts, "k": codes[rng.integers(0, 5, m)]})
            f.write(frame.write_csv(separator=" ", include_header=False).encode())
    return Path(path)
