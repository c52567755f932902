"""Builders for consent tests (imported by name, like tests/land/landkit.py): a small world of real Higgs
interactions plus inline tweets in which one person (Zelda) posts, is mentioned and replied to, and a minor
(Kid) reacts to others."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

from clout import pipeline
from clout.cli.commands.gate import approve
from clout.core.errors import CloutError
from clout.core.resources import HIGGS_FILE
from clout.core.settings import load_settings
from clout.core.warehouse import connect, records
from clout.land.formats import LandOptions

ZELDA = {"id_str": "900100200", "screen_name": "ZeldaPrivate", "name": "Zelda Quixotic",
         "followers_count": 1200, "friends_count": 10, "statuses_count": 40, "listed_count": 1}
BOB = {"id_str": "800100200", "screen_name": "bobpublic", "name": "Bob Public", "followers_count": 300}
CAROL = {"id_str": "700100200", "screen_name": "carolpublic", "name": "Carol Public", "followers_count": 90}
KID = {"id_str": "600100200", "screen_name": "kidaccount", "name": "Kid Account", "followers_count": 5}
# What must never be found again after Zelda opts out (case-insensitive).
ZELDA_TOKENS = (b"900100200", b"zeldaprivate", b"zelda quixotic")


def tweet(i: int, user: dict, text: str, day: int, mentions=(), reply_to: dict | None = None) -> dict:
    t = {"id_str": str(5550000 + i), "created_at": f"Sun Jul 0{day} 1{i % 10}:00:00 +0000 2012", "text": text,
         "user": user, "favorite_count": 1, "retweet_count": 0,
         "entities": {"hashtags": [{"text": "physics"}],
                      "user_mentions": [{"id_str": m["id_str"], "screen_name": m["screen_name"], "name": m["name"]}
                                        for m in mentions]}}
    if reply_to:
        t["in_reply_to_user_id_str"] = reply_to["id_str"]
        t["in_reply_to_screen_name"] = reply_to["screen_name"]
    return t


def tweets() -> list[dict]:
    out = []
    for day in (1, 2):
        out += [
            tweet(10 * day + 0, ZELDA, "hello from ZeldaPrivate about the higgs #physics", day),
            tweet(10 * day + 1, BOB, "@ZeldaPrivate great talk, @carolpublic look", day, mentions=(ZELDA, CAROL)),
            tweet(10 * day + 2, CAROL, "@ZeldaPrivate agreed with Zelda Quixotic", day, mentions=(ZELDA,),
                  reply_to=ZELDA),
            tweet(10 * day + 3, ZELDA, "@bobpublic thanks!", day, mentions=(BOB,), reply_to=BOB),
            tweet(10 * day + 4, KID, "@bobpublic so cool", day, mentions=(BOB,), reply_to=BOB),
            tweet(10 * day + 5, CAROL, "@bobpublic indeed", day, mentions=(BOB,), reply_to=BOB),
        ]
    return out


def write_tweets(path: Path, items: list[dict], broken: bool = True) -> Path:
    lines = [json.dumps(t) for t in items]
    if broken:  # a quarantined record that names Zelda
        lines.append('{"id_str": "5559999", "user": {"id_str": "900100200", "screen_name": "ZeldaPrivate"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_identity(path: Path) -> Path:
    path.write_text("person_id,network,account_id,is_minor\n"
                    "p-zelda,twitter,900100200,false\n"
                    "p-bob,twitter,800100200,false\n"
                    "p-kid,twitter,600100200,true\n", encoding="utf-8")
    return path


def higgs_lines(days: set[int], every: int) -> list[bytes]:
    """Every n-th line of the real Higgs file on some July 2012 days."""
    out = []
    with gzip.open(HIGGS_FILE, "rb") as f:
        for i, line in enumerate(f):
            if i % every == 0 and (int(line.split()[2]) - 1341100800) // 86400 + 1 in days:
                out.append(line)
    return out


def _shift(line: bytes, days: int) -> bytes:
    actor, target, ts, kind = line.split()
    return b" ".join([actor, target, str(int(ts) + 86400 * days).encode(), kind]) + b"\n"


def higgs_steady(path: Path, days: int = 3) -> Path:
    """Every 5th real Higgs interaction of 2012-07-01, repeated on the next days: a world where nothing but
    consent changes from night to night, so the swing gate has no real-world change to hold for."""
    day1 = higgs_lines({1}, every=5)
    path.write_bytes(gzip.compress(b"".join(_shift(line, d) for d in range(days) for line in day1)))
    return path


LAND = LandOptions(quarantine_limit=0.5)  # the tweets file carries one broken line on purpose


OUTCOME_RANK = {"PASS": 0, "WARN": 1, "HOLD": 2, "FAIL": 3}


def night(settings, logical_date: date) -> dict:
    """Run one night; a night the gate holds is not an error here: returns the run's row from meta.runs."""
    try:
        run_id = pipeline.run_night(settings, logical_date).run_id
    except CloutError as e:
        if "HELD" not in str(e):
            raise
        run_id = str(e).split()[1]
    with connect(settings) as con:
        return records(con.sql("select * from meta.runs where run_id = $r", params={"r": run_id}))[0]


def publish_night(settings, logical_date: date) -> dict:
    """Run one night and publish it even if the swing gate holds it (as an operator's approval would): the
    consent tests need published history, whatever the gate thinks of night-to-night swings."""
    run = night(settings, logical_date)
    if run["status"] == "held":
        approve(run["run_id"], reason="consent test world", warehouse=settings.warehouse)
    return run


WORLD_FILES = ("higgs.txt.gz", "tweets.jsonl", "identity.csv")  # landed in this order


def build_world(root: Path) -> None:
    """The consent world in `root`: its WORLD_FILES, and `warehouse/` with them landed and July 1 and 2 published."""
    settings = load_settings(root / "warehouse" / "clout.duckdb")
    files = [higgs_steady(root / WORLD_FILES[0]), write_tweets(root / WORLD_FILES[1], tweets()),
             write_identity(root / WORLD_FILES[2])]
    pipeline.land_files(settings, files, options=LAND)
    for day in (1, 2):
        publish_night(settings, date(2012, 7, day))
