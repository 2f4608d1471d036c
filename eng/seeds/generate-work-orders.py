#!/usr/bin/env python3
"""Writes seeds/work-orders/yuelu.json: a month (March 2025) of a water company's work orders in the
demo district, as dated commands (docs/seeds.md): most kept their promised times, some were late
and escalated, some paused at the user's request, an installation or two followed up, a whistle or
two blown. Every deadline ends settled (met, or breached on the way), so nothing falls due after the
seeds are loaded. Deterministic (fixed random seed): re-running it reproduces the committed file.
Run from the repository root: python3 eng/seeds/generate-work-orders.py
"""
import json
import random
import uuid
from datetime import datetime, timedelta, timezone

CST = timezone(timedelta(hours=8))
rng = random.Random(20250301)
HOTLINE = {"actor": "yuelu-hotline-operator-02", "channel": "Hotline", "role": "Clerk"}
HALL = {"actor": "yuelu-service-hall-clerk-05", "channel": "ServiceWindow", "role": "Clerk"}
TEAM = {"actor": "yuelu-water-service-staff-11", "channel": "ServiceWindow", "role": "Clerk"}
LIAISON = {"actor": "yuelu-grid-liaison-03", "channel": "ServiceWindow", "role": "Clerk"}
STREET = {"actor": "yuelu-street-office-07", "channel": "ServiceWindow", "role": "Clerk"}
STREETS = ["Lushan South Road", "Yingpan West Road", "Fenglin Road", "Xiaoxiang Middle Road", "Yuelu Avenue", "Tongzipo Road"]


def iso(dt):
    return dt.isoformat(timespec="seconds")


def order_id(n):
    return str(uuid.UUID(f"0195a000-0000-7000-8000-{n:012d}"))


def step(command, at, acting, body=None):
    s = {"command": command, "at": iso(at), "as": acting}
    if body is not None:
        s["body"] = body
    return s


def report(n, at, category, compound=False, online=False):
    reporter = f"yuelu-water-user-{n:04d}"
    acting = {"actor": reporter, "channel": "OnlinePlatform", "role": "Resident"} if online else rng.choice([HOTLINE, HALL])
    return step("report-work-order", at, acting, {
        "reporter": reporter,
        "category": category,
        "address": f"{rng.randint(1, 300)} {rng.choice(STREETS)}",
        "description": {
            "MeteringProblem": "The meter keeps running with every tap closed",
            "Installation": "A new connection for a shop",
            "EmergencyRepair": "Water coming up through the pavement",
            "WaterQuality": "The water is yellow in the morning",
            "WaterBusinessProxy": "Transfer of the water account to the new owner",
            "GridLiaison": "No water pressure on the upper floors",
        }[category],
        "residentialCompound": compound,
    })


def metering(n, at, kind):
    steps = [report(n, at, "MeteringProblem")]
    if kind == "on-time":
        contact = at + timedelta(minutes=rng.randint(5, 25))
        arrive = at + timedelta(minutes=rng.randint(40, 110))
        steps += [step("record-contact", contact, TEAM, {"note": "Called the user"}), step("record-arrival", arrive, TEAM)]
    elif kind == "late-contact":
        steps += [step("record-contact", at + timedelta(minutes=rng.randint(35, 55)), TEAM, {"note": "Called the user"}),
                  step("record-arrival", at + timedelta(minutes=rng.randint(70, 115)), TEAM)]
    elif kind == "late-on-site":
        steps += [step("record-contact", at + timedelta(minutes=rng.randint(5, 25)), TEAM, {"note": "Called the user"}),
                  step("record-arrival", at + timedelta(minutes=rng.randint(130, 200)), TEAM)]
    else:  # paused: the user asked for a visit in the afternoon
        contact = at + timedelta(minutes=rng.randint(5, 20))
        resume = at.replace(hour=14, minute=30)
        steps += [step("record-contact", contact, TEAM, {"note": "Called the user"}),
                  step("postpone-visit", contact + timedelta(minutes=2), TEAM, {"reason": "The user is at work until the afternoon"}),
                  step("resume-visit", resume, TEAM),
                  step("record-arrival", resume + timedelta(minutes=rng.randint(20, 70)), TEAM)]
    last = datetime.fromisoformat(steps[-1]["at"])
    steps.append(step("resolve-work-order", last + timedelta(minutes=rng.randint(20, 50)), TEAM, {"resolution": "Meter checked and replaced"}))
    return steps


def installation(n, at, late):
    steps = [report(n, at, "Installation", online=True)]
    resolved = at + timedelta(days=1, hours=2)
    steps.append(step("resolve-work-order", resolved, TEAM, {"resolution": "Connected and the meter sealed"}))
    follow = resolved + (timedelta(days=6) if late else timedelta(hours=rng.randint(2, 5)))
    steps.append(step("record-follow-up", follow, TEAM, {"feedback": "The user is satisfied with the installation"}))
    return steps


def whistle(n, at, late):
    steps = [report(n, at, "GridLiaison", compound=True)]
    blown = at + timedelta(hours=3)
    steps.append(step("blow-the-whistle", blown, LIAISON, {"propertyManager": f"yuelu-property-manager-{n % 7 + 1:02d}", "problem": "The pressure problem is not solved"}))
    steps.append(step("acknowledge-whistle", blown + (timedelta(hours=30) if late else timedelta(hours=rng.randint(2, 20))), STREET,
                      {"note": "Received; the street office follows it up"}))
    steps.append(step("resolve-work-order", datetime.fromisoformat(steps[-1]["at"]) + timedelta(hours=2), TEAM, {"resolution": "Pressure valve replaced"}))
    return steps


def simple(n, at, category):
    return [report(n, at, category), step("resolve-work-order", at + timedelta(hours=rng.randint(2, 30)), TEAM, {"resolution": "Done"})]


def with_service(n, roll, steps):
    """Every fourth order was taken at a village station or a township centre and handed to the district
    centre at once; every other order whose metering times were missed drew a complaint the day after it
    was resolved. Neither draws on the random sequence, so the orders themselves stay as they were."""
    if n % 4 == 1:
        station = n % 8 == 1
        steps = [steps[0], step("hand-over", datetime.fromisoformat(steps[0]["at"]), HALL, {
            "from": "VillageStation" if station else "TownshipCentre",
            "fromOffice": "Wangyue village station" if station else "Juzizhou street centre",
            "to": "DistrictCentre",
            "toOffice": "Yuelu district service centre",
            "reason": "The order needs the water company's district team",
        })] + steps[1:]
    if 0.45 <= roll < 0.63 and n % 2 == 0:
        steps = steps + [step("record-complaint", datetime.fromisoformat(steps[-1]["at"]) + timedelta(days=1), HALL, {
            "complainant": f"yuelu-water-user-{n:04d}",
            "complaint": "Nobody came in the time promised",
        })]
    return steps


cases = []
n = 0
for day in range(3, 29):
    date = datetime(2025, 3, day, tzinfo=CST)
    for _ in range(rng.choice([1, 1, 2])):
        n += 1
        at = date.replace(hour=rng.randint(8, 11), minute=rng.randint(0, 59))
        roll = rng.random()
        if roll < 0.45:
            steps = metering(n, at, "on-time")
        elif roll < 0.55:
            steps = metering(n, at, "late-contact")
        elif roll < 0.63:
            steps = metering(n, at, "late-on-site")
        elif roll < 0.71:
            steps = metering(n, at, "paused")
        elif roll < 0.80:
            steps = installation(n, at, late=rng.random() < 0.3)
        elif roll < 0.86:
            steps = whistle(n, at, late=rng.random() < 0.4)
        else:
            steps = simple(n, at, rng.choice(["EmergencyRepair", "WaterQuality", "WaterBusinessProxy"]))
        cases.append({"kind": "work-order", "id": order_id(n), "steps": with_service(n, roll, steps)})

with open("seeds/work-orders/yuelu.json", "w", encoding="utf-8") as f:
    json.dump({"district": "yuelu", "cases": cases}, f, indent=2, ensure_ascii=False)
    f.write("\n")
print(f"wrote {len(cases)} work orders")
