#!/usr/bin/env python3
"""Converts a certificate seed file from its first format (applications with their steps) to dated commands.

The first format, read by the kind's own loader before the command pipeline existed, listed each
application's facts, who applied and when, the route it was expected to take, and its later steps.
The dated-command format (docs/seeds.md) is what every kind's seeds now are: each step the body a
client would POST, with who acted, through which channel, and when. The expected routes have no
place there; the script prints them so a load can be checked against them
(GET /districts/{district}/certificates).

One-off, kept to show how seeds/certificates/yuelu.json was made. Run from the repository root:

    git show <commit before the conversion>:seeds/certificates/yuelu.json > /tmp/yuelu-applications.json
    python3 eng/seeds/convert-certificates.py /tmp/yuelu-applications.json seeds/certificates/yuelu.json
"""
import json
import sys

# The lifecycle steps of the first format, as the commands the kind declares, with the field the
# command's body carries (if any) and where the first format kept it.
COMMANDS = {
    "Review": ("review-certificate-application", None),
    "Approve": ("approve-certificate", None),
    "Reject": ("reject-certificate-application", ("reason", "reason")),
    "Produce": ("produce-certificate", None),
    "Mail": ("mail-certificate", ("trackingReference", "trackingReference")),
    "Deliver": ("record-certificate-delivery", None),
}


def acting(actor, channel, on_behalf_of=None):
    result = {"actor": actor, "channel": channel}
    if on_behalf_of:
        result["onBehalfOf"] = on_behalf_of
    return result


def as_commands(doc):
    """The applications as dated commands; back-office steps took the service window channel unless they said otherwise."""
    cases = []
    for application in doc["applications"]:
        applied = application["applied"]
        steps = [{
            "command": "apply-for-certificate",
            "at": applied["at"],
            "as": acting(applied["actor"], applied["channel"], applied.get("onBehalfOf")),
            "body": {
                "documentType": application["documentType"],
                "applicant": application["applicant"],
                "existingDocument": application["existingDocument"],
            },
        }]
        for step in application.get("steps") or []:
            command, field = COMMANDS[step["step"]]
            converted = {"command": command, "at": step["at"], "as": acting(step["actor"], step.get("channel", "ServiceWindow"))}
            if field is not None:
                name, source = field
                converted["body"] = {name: step[source]}
            steps.append(converted)
        cases.append({"kind": "certificate-issuance", "id": application["applicationId"], "steps": steps})
    return {"district": doc["district"], "cases": cases}


def inline(value):
    """One line of JSON with a space inside braces, as the seed files are written by hand."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)}: {inline(v)}" for k, v in value.items()) + " }" if value else "{}"
    return json.dumps(value, ensure_ascii=False)


def write(converted, out):
    """Each step on a line of its own; an application's body with one line per member."""
    out.write("{\n")
    out.write(f'  "district": {inline(converted["district"])},\n')
    out.write('  "cases": [\n')
    for i, case in enumerate(converted["cases"]):
        out.write("    {\n")
        out.write(f'      "kind": {inline(case["kind"])},\n')
        out.write(f'      "id": {inline(case["id"])},\n')
        out.write('      "steps": [\n')
        for j, step in enumerate(case["steps"]):
            head = ", ".join(f"{json.dumps(k)}: {inline(step[k])}" for k in ("command", "at", "as"))
            comma = "," if j < len(case["steps"]) - 1 else ""
            if step["command"] == "apply-for-certificate":
                body = step["body"]
                members = ",\n".join(f"            {json.dumps(k)}: {inline(v)}" for k, v in body.items())
                out.write(f"        {{\n          {head},\n          \"body\": {{\n{members}\n          }}\n        }}{comma}\n")
            else:
                tail = f', "body": {inline(step["body"])}' if "body" in step else ""
                out.write(f"        {{ {head}{tail} }}{comma}\n")
        out.write("      ]\n")
        out.write("    }" + ("," if i < len(converted["cases"]) - 1 else "") + "\n")
    out.write("  ]\n}\n")


def main(source, target):
    with open(source, encoding="utf-8") as f:
        doc = json.load(f)
    converted = as_commands(doc)
    with open(target, "w", encoding="utf-8") as f:
        write(converted, f)
    # Round trip: what was written is the conversion, exactly.
    with open(target, encoding="utf-8") as f:
        assert json.load(f) == converted, "the written file does not read back as the conversion"
    for application in doc["applications"]:
        print(f'{application["applicant"]["id"]}: {application["applicationId"]} expected {application.get("expectedRoute", "(no route given)")}')


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
