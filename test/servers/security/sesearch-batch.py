# sesearch -A / -T for many binary policies in one Python process: the same
# setools queries sesearch runs (TERuleQuery, indirect source/target matching,
# so attribute rules match their member types), for every (source, target, class).
# stdin: JSON [{"bin": path, "types": [...], "classes": [...]}]; stdout: JSON results.
import json
import sys

import setools

out = []
for job in json.load(sys.stdin):
    p = setools.SELinuxPolicy(job["bin"])
    allow = {}
    trans = {}
    for s in job["types"]:
        for t in job["types"]:
            for c in job["classes"]:
                perms = set()
                for rule in setools.TERuleQuery(p, ruletype=["allow"], source=s, target=t, tclass=[c]).results():
                    perms |= set(str(x) for x in rule.perms)
                if perms:
                    allow[f"{s} {t} {c}"] = sorted(perms)
                for rule in setools.TERuleQuery(p, ruletype=["type_transition"], source=s, target=t, tclass=[c]).results():
                    try:
                        name = rule.filename
                    except Exception:
                        name = None
                    key = f"{s} {t} {c}" + (f" {name}" if name else "")
                    trans[key] = str(rule.default)
    out.append({"allow": allow, "trans": trans})
json.dump(out, sys.stdout)
