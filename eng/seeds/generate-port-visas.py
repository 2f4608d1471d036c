#!/usr/bin/env python3
"""Writes seeds/port-visas/yuelu.json: the first days after flights resumed at Zhangjiajie airport's
port, as dated commands (docs/seeds.md) in the demo district: three travel agencies' groups, each
traveller submitted with its group's reference by the agency's staff (proxy for the traveller) or
at the window, and decided one by one, most issued free of charge, a few refused with the reason,
a few still waiting. Deterministic (fixed random seed): re-running it reproduces the committed file.
Run from the repository root: python3 eng/seeds/generate-port-visas.py
"""
import json
import random
import uuid
from datetime import datetime, timedelta, timezone

CST = timezone(timedelta(hours=8))
rng = random.Random(20250610)
CLERK = {"actor": "zjj-port-clerk-03", "channel": "ServiceWindow", "role": "Clerk"}
NATIONS = [("KOR", ["Kim", "Lee", "Park", "Choi", "Jung"], ["Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yun"]),
           ("THA", ["Saetang", "Wongsa", "Srisuk"], ["Somchai", "Malee", "Anan"]),
           ("MYS", ["Tan", "Lim", "Wong"], ["Wei Ling", "Ahmad", "Siti"])]
GROUPS = [
    # agency, agency staff, group reference, flight, nationality, travellers, landing
    ("zhangjiajie-cits", "cits-staff-01", "ZJJ-2025-0610-G01", "KE8853", 0, 24, datetime(2025, 6, 10, 9, 40, tzinfo=CST)),
    ("zhangjiajie-cits", "cits-staff-01", "ZJJ-2025-0611-G02", "KE8853", 0, 18, datetime(2025, 6, 11, 9, 35, tzinfo=CST)),
    ("wulingyuan-travel", "wly-staff-02", "WLY-0611-TH", "FD540", 1, 12, datetime(2025, 6, 11, 14, 10, tzinfo=CST)),
    ("tianmen-tours", "tm-staff-05", "TM-0612-A", "AK116", 2, 8, datetime(2025, 6, 12, 16, 20, tzinfo=CST)),
]
REASONS = ["The passport expires before the stay would end", "The passport's photo page is damaged", "The traveller is not on the group's list"]


def iso(dt):
    return dt.isoformat(timespec="seconds")


def step(command, at, acting, body):
    return {"command": command, "at": iso(at), "as": acting, "body": body}


cases = []
n = 0
visa = 0
for agency, staff, group, flight, nation, size, landing in GROUPS:
    code, surnames, given = NATIONS[nation]
    for i in range(size):
        n += 1
        passport = f"{code[0]}{rng.randrange(10_000_000, 99_999_999)}"
        roll = rng.random()
        handling = "InAdvance" if roll < 0.75 else "OnTheSpot" if roll < 0.95 else "SpecialCase"
        if handling == "InAdvance":
            at = landing - timedelta(hours=20, minutes=rng.randrange(0, 180))
            acting = {"actor": staff, "channel": "Proxy", "role": "Proxy", "onBehalfOf": passport}
        else:
            at = landing + timedelta(minutes=rng.randrange(5, 40))
            acting = CLERK
        body = {"groupId": group, "agency": agency, "flight": flight, "travellerName": f"{rng.choice(surnames)} {rng.choice(given)}",
                "passportNumber": passport, "nationality": code, "handling": handling, "visaFee": 0}
        steps = [step("submit-traveller", at, acting, body)]
        decided = max(at, landing) + timedelta(minutes=rng.randrange(10, 50))
        fate = rng.random()
        # The last group landed on the seeds' last day: a few of its travellers still wait.
        if group.startswith("TM-") and i >= size - 2:
            pass
        elif fate < 0.93:
            visa += 1
            steps.append(step("issue-visa", decided, CLERK, {"visaNumber": f"ZJJ-V-{visa:05d}", "fee": 0}))
        else:
            steps.append(step("refuse-visa", decided, CLERK, {"reason": rng.choice(REASONS)}))
        cases.append({"kind": "port-visa", "id": str(uuid.UUID(f"0196b000-0000-7000-8000-{n:012d}")), "steps": steps})

with open("seeds/port-visas/yuelu.json", "w", encoding="utf-8") as f:
    json.dump({"district": "yuelu", "cases": cases}, f, ensure_ascii=False, indent=2)
    f.write("\n")
