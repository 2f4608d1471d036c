#!/usr/bin/env python3
"""Writes seeds/property-registrations/yuelu.json: Liaoyuan-style registration cases in the demo
district, each completed (no deadline left running), with the centre's window clerk doing acceptance,
fee and printing, and the partner institutions doing their own steps through their own channel.
Deterministic: rerunning it reproduces the committed file."""
import json
import pathlib

CLERK = {"actor": "yuelu-registration-window-03", "channel": "ServiceWindow", "role": "Clerk"}
REVIEWER = {"actor": "yuelu-registration-reviewer-01", "channel": "ServiceWindow", "role": "Clerk"}
PARTNERS = {
    "MortgageRegistration": "bank-of-jilin-liaoyuan",
    "ProvidentFund": "liaoyuan-housing-provident-fund",
    "Notarisation": "liaoyuan-notary-office",
    "CourtRuling": "longshan-district-court",
}


def partner(step):
    return {"actor": f"{PARTNERS[step]}-clerk-1", "channel": "Partner", "role": "Partner", "institution": PARTNERS[step]}


def case(number, day, applied, owner, prop, business, partner_steps, done, online=False):
    """done: (step, time) in the order they complete; time as HH:MM, or 'next HH:MM' for the next day."""
    steps = [{
        "command": "apply-for-registration",
        "at": f"2025-03-{day:02d}T{applied}:00+08:00",
        "as": {"actor": owner, "channel": "OnlinePlatform", "role": "Resident"} if online else CLERK,
        "body": {"owner": owner, "propertyId": prop, "business": business,
                 "partners": [{"step": s, "institution": PARTNERS[s]} for s in partner_steps]},
    }]
    for step, at in done:
        next_day = at.startswith("next ")
        at = at.removeprefix("next ")
        steps.append({
            "command": "complete-step",
            "at": f"2025-03-{day + (1 if next_day else 0):02d}T{at}:00+08:00",
            "as": partner(step) if step in PARTNERS else REVIEWER if step == "Review" else CLERK,
            "body": {"step": step, "note": "Done at the partner" if step in PARTNERS else "Done"},
        })
    return {"kind": "property-registration", "id": f"0195b000-0000-7000-8000-0000000006{number:02d}", "steps": steps}


cases = [
    case(1, 3, "09:00", "yuelu-owner-0101", "LY-2025-000101", "Transfer", [],
         [("Acceptance", "09:02"), ("Fee", "09:06"), ("Review", "09:12"), ("CertificatePrinting", "09:18")]),
    case(2, 3, "09:30", "yuelu-owner-0102", "LY-2025-000102", "Mortgage", ["MortgageRegistration"],
         [("MortgageRegistration", "09:35"), ("Acceptance", "09:40"), ("Review", "10:10"), ("Fee", "10:15"), ("CertificatePrinting", "10:20")]),
    case(3, 3, "20:15", "yuelu-owner-0103", "LY-2025-000103", "Mortgage", ["MortgageRegistration", "ProvidentFund"],
         [("Acceptance", "next 08:40"), ("ProvidentFund", "next 09:30"), ("MortgageRegistration", "next 10:00"), ("Review", "next 10:30"),
          ("Fee", "next 10:35"), ("CertificatePrinting", "next 10:40")], online=True),
    case(4, 4, "10:00", "yuelu-owner-0104", "LY-2025-000104", "Succession", ["Notarisation"],
         [("Acceptance", "10:05"), ("Review", "11:00"), ("Fee", "11:10"), ("Notarisation", "16:30"), ("CertificatePrinting", "next 09:10")]),
    case(5, 5, "14:00", "yuelu-owner-0105", "LY-2025-000105", "Transfer", ["CourtRuling"],
         [("CourtRuling", "14:30"), ("Acceptance", "14:32"), ("Review", "15:10"), ("Fee", "15:15"), ("CertificatePrinting", "15:20")]),
    case(6, 5, "09:10", "yuelu-owner-0106", "LY-2025-000106", "RuralRights", [],
         [("Acceptance", "09:12"), ("Review", "09:20"), ("Fee", "09:24"), ("CertificatePrinting", "09:27")]),
]

out = pathlib.Path(__file__).resolve().parents[2] / "seeds" / "property-registrations" / "yuelu.json"
out.write_text(json.dumps({"district": "yuelu", "cases": cases}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
print(f"wrote {len(cases)} cases to {out}")
