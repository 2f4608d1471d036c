#!/usr/bin/env python3
"""Writes seeds/renovation-votes/*.json: demo votes shaped after the domain brief, as dated commands.

Each case is a list of steps, each the body a client would POST (docs/seeds.md), with who acted,
through which channel and when. Deterministic (fixed random seed), so re-running it reproduces the
committed files. Run from the repository root: python3 eng/seeds/generate-renovation-votes.py
"""
import json
import random
from datetime import datetime, timedelta, timezone

CST = timezone(timedelta(hours=8))
rng = random.Random(20240408)


def area():
    return round(rng.uniform(68.0, 142.0), 2)


def compound(prefix, buildings, units_per_building, shared_owners, co_owned):
    """A roll: one owner per unit, some owners holding two units, some units co-owned."""
    roll = []
    n = 0
    for b, count in enumerate(buildings, start=1):
        for u in range(count):
            n += 1
            floor, door = divmod(u, units_per_building)
            roll.append({"unitId": f"B{b}-{floor + 1:02d}{door + 1:02d}", "ownerId": f"{prefix}-owner-{n:04d}", "area": area()})
    # Some owners hold a second unit: the second unit's owner becomes the first's.
    for i in range(shared_owners):
        a, b = roll[10 * i], roll[10 * i + 5]
        b["ownerId"] = a["ownerId"]
    # Some units are co-owned (a couple): both may vote, they count once.
    for i in range(co_owned):
        unit = roll[10 * i + 3]
        unit["coOwnerIds"] = [unit["ownerId"] + "-spouse"]
    return roll


def iso(dt):
    return dt.isoformat()


def ballots(roll, opens, closes, yes, no, abstain, proxy_every=0, changes=0):
    """Ballots for the first yes+no+abstain members' units, spread across the window."""
    seen_owner = set()
    voters = []
    for unit in roll:
        if unit["ownerId"] in seen_owner:
            continue
        seen_owner.add(unit["ownerId"])
        voters.append(unit)
    rng.shuffle(voters)
    choices = ["Yes"] * yes + ["No"] * no + ["Abstain"] * abstain
    span = (closes - opens).total_seconds() - 3600
    result = []
    for i, (unit, choice) in enumerate(zip(voters, choices)):
        at = opens + timedelta(seconds=rng.uniform(60, span))
        voter = unit.get("coOwnerIds", [unit["ownerId"]])[0] if i % 7 == 0 and "coOwnerIds" in unit else unit["ownerId"]
        ballot = {"unitId": unit["unitId"], "voterId": voter, "choice": choice, "at": iso(at),
                  "channel": rng.choice(["OnlinePlatform", "WeChatMiniProgram", "AlipayMiniProgram"])}
        if proxy_every and i % proxy_every == 0:
            ballot.update({"channel": "Proxy", "actor": "staff-help-and-handle-01", "onBehalfOf": voter})
        result.append(ballot)
    # A few owners first said no and then changed their minds; the last ballot counts.
    for ballot in [b for b in result if b["choice"] == "Yes"][:changes]:
        first = dict(ballot, choice="No", at=iso(datetime.fromisoformat(ballot["at"]) - timedelta(hours=5)))
        result.append(first)
    result.sort(key=lambda b: b["at"])
    return result


sunshine = compound("sg", [90, 90, 90, 90, 90, 90, 81, 81], 6, shared_owners=12, co_owned=40)
lotus = compound("lc", [40, 40, 40], 4, shared_owners=3, co_owned=8)

sg_members = len({u["ownerId"] for u in sunshine})
lc_members = len({u["ownerId"] for u in lotus})

open1, close1 = datetime(2024, 4, 8, 9, 0, tzinfo=CST), datetime(2024, 4, 15, 9, 0, tzinfo=CST)
open2, close2 = datetime(2024, 6, 3, 9, 0, tzinfo=CST), datetime(2024, 6, 10, 9, 0, tzinfo=CST)
open3 = datetime(2024, 5, 20, 10, 0, tzinfo=CST)
open4, close4 = datetime(2019, 9, 2, 9, 0, tzinfo=CST), datetime(2019, 9, 16, 9, 0, tzinfo=CST)

sg_yes = sg_members - 20 - 9 - 6  # nearly everyone takes part, well over 95% consent
document = {
    "district": "yuelu",
    "compounds": [
        {"id": "sunshine-garden", "name": "Sunshine Garden (8 buildings, 702 households)", "roll": sunshine},
        {"id": "lotus-court", "name": "Lotus Court (3 buildings, 120 households)", "roll": lotus},
    ],
    "votes": [
        {
            "voteId": "0190c9a0-0000-7000-8000-000000000001",
            "compoundId": "sunshine-garden",
            "proposal": {"description": "Facade renewal and roof waterproofing, buildings 1-8", "amount": 1280000.00},
            "opensAt": iso(open1), "closesAt": iso(close1),
            "openedBy": {"actor": "clerk-yuelu-017", "channel": "OnlinePlatform", "at": iso(open1 - timedelta(hours=1))},
            "ballots": ballots(sunshine, open1, close1, yes=sg_yes, no=9, abstain=6, proxy_every=97, changes=5),
            "close": {"actor": "clerk-yuelu-017", "channel": "ServiceWindow", "at": iso(close1 + timedelta(minutes=30))},
        },
        {
            "voteId": "0190c9a0-0000-7000-8000-000000000002",
            "compoundId": "lotus-court",
            "proposal": {"description": "Replace the lifts of buildings 1-3", "amount": 860000.00},
            "opensAt": iso(open2), "closesAt": iso(close2),
            "openedBy": {"actor": "clerk-yuelu-022", "channel": "ServiceWindow", "at": iso(open2 - timedelta(hours=2))},
            # Too few owners take part: the quorum of two-thirds is missed and the vote fails.
            "ballots": ballots(lotus, open2, close2, yes=50, no=8, abstain=4),
            "close": {"actor": "clerk-yuelu-022", "channel": "ServiceWindow", "at": iso(close2 + timedelta(hours=1))},
        },
        {
            "voteId": "0190c9a0-0000-7000-8000-000000000003",
            "compoundId": "sunshine-garden",
            "proposal": {"description": "Replace fire extinguishers and hose reels", "amount": 42000.00},
            "opensAt": iso(open3), "closesAt": iso(open3 + timedelta(days=7)),
            "openedBy": {"actor": "clerk-yuelu-017", "channel": "ServiceWindow", "at": iso(open3)},
            "committeeDecision": {"actor": "committee-sunshine-garden", "channel": "ServiceWindow",
                                  "at": iso(open3 + timedelta(days=2)), "approved": True,
                                  "note": "Owners' committee minute 2024-07, unanimous"},
        },
        {
            "voteId": "0190c9a0-0000-7000-8000-000000000004",
            "compoundId": "lotus-court",
            "proposal": {"description": "Roof waterproofing, building 2", "amount": 180000.00},
            "opensAt": iso(open4), "closesAt": iso(close4),
            "openedBy": {"actor": "clerk-yuelu-003", "channel": "ServiceWindow", "at": iso(open4 - timedelta(days=1))},
            # Decided under the old rule (before 2021): two-thirds of all area and owners consent.
            "ballots": ballots(lotus, open4, close4, yes=lc_members - 24, no=10, abstain=2),
            "close": {"actor": "clerk-yuelu-003", "channel": "ServiceWindow", "at": iso(close4 + timedelta(hours=3))},
        },
    ],
}



def step(command, at, actor, channel, body=None, on_behalf_of=None):
    acting = {"actor": actor, "channel": channel}
    if on_behalf_of:
        acting["onBehalfOf"] = on_behalf_of
    result = {"command": command, "at": at, "as": acting}
    if body is not None:
        result["body"] = body
    return result


def as_commands(doc):
    """The votes above as dated commands through the vote's own declarations."""
    compounds = {c["id"]: c for c in doc["compounds"]}
    cases = []
    for vote in doc["votes"]:
        compound = compounds[vote["compoundId"]]
        opened = vote["openedBy"]
        steps = [step("open-vote", opened["at"], opened["actor"], opened["channel"], {
            "compoundId": compound["id"], "compoundName": compound["name"], "proposal": vote["proposal"],
            "roll": compound["roll"], "opensAt": vote["opensAt"], "closesAt": vote["closesAt"]})]
        for ballot in vote.get("ballots", []):
            steps.append(step("cast-ballot", ballot["at"], ballot.get("actor", ballot["voterId"]), ballot["channel"],
                              {"unitId": ballot["unitId"], "voterId": ballot["voterId"], "choice": ballot["choice"]},
                              ballot.get("onBehalfOf")))
        if "close" in vote:
            close = vote["close"]
            steps.append(step("close-vote", close["at"], close["actor"], close["channel"]))
        if "committeeDecision" in vote:
            decision = vote["committeeDecision"]
            steps.append(step("record-committee-decision", decision["at"], decision["actor"], decision["channel"],
                              {"approved": decision["approved"], "note": decision["note"]}))
        cases.append({"kind": "renovation-vote", "id": vote["voteId"], "steps": steps})
    return {"district": doc["district"], "cases": cases}


with open("seeds/renovation-votes/yuelu.json", "w", encoding="utf-8") as f:
    json.dump(as_commands(document), f, ensure_ascii=False, indent=1)
    f.write("\n")
print(f"sunshine-garden: {len(sunshine)} units, {sg_members} owners; lotus-court: {len(lotus)} units, {lc_members} owners")
