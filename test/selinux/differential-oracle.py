# The reference answers for test/selinux/differential.test.ts, for many binary
# policies in one Python process: the rules as sesearch prints them (setools'
# queries, str() of each rule, sorted as sesearch sorts them) and libsepol's own
# decision with its reason for every (source, target, class, permission, roles)
# asked (selinux.audit2why.analyze: sepol_compute_av_reason, what audit2why runs).
# stdin: JSON [{"bin", "user", "types", "roles", "classes": {cls: [perms]}}]; stdout: JSON.
import json
import sys

import selinux.audit2why as why
import setools

TE_KINDS = ["allow", "auditallow", "dontaudit", "type_transition", "type_change", "type_member"]


def printable(rules):
    # A rule left with no permissions (`dontaudit a b:c ~{ every perm }`) makes setools 4.4 raise
    # in str(); sesearch would stop there. mksim prints no such rule: skip it.
    out = []
    for r in rules:
        try:
            out.append(str(r))
        except IndexError:
            pass
    return sorted(out)


def rules(p):
    out = {}
    for kind in TE_KINDS:
        out[kind] = printable(setools.TERuleQuery(p, ruletype=[kind]).results())
    out["role_allow"] = [str(r) for r in sorted(setools.RBACRuleQuery(p, ruletype=["allow"]).results())]
    out["role_transition"] = [str(r) for r in sorted(setools.RBACRuleQuery(p, ruletype=["role_transition"]).results())]
    return out


out = []
for job in json.load(sys.stdin):
    p = setools.SELinuxPolicy(job["bin"])
    why.init(job["bin"])
    u = job["user"]
    decisions = {}
    for s in job["types"]:
        for t in job["types"]:
            for cls, perms in job["classes"].items():
                # Role pairs matter for process transitions (RBAC); other classes are asked with one role.
                pairs = [(r1, r2) for r1 in job["roles"] for r2 in job["roles"]] if cls == "process" else [(job["roles"][0], job["roles"][0])]
                for r1, r2 in pairs:
                    for perm in perms:
                        code, extra = why.analyze(f"{u}:{r1}:{s}", f"{u}:{r2}:{t}", cls, [perm])
                        # BOOLEAN comes with (boolean, value that would allow) pairs; CONSTRAINT with the constraint's text.
                        bools = sorted([b, v] for b, v in extra) if code == why.BOOLEAN else []
                        decisions[f"{s} {t} {cls} {perm} {r1} {r2}"] = [code, bools]
    why.finish()
    out.append({"rules": rules(p), "decisions": decisions})
json.dump(out, sys.stdout)
