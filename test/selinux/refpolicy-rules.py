# The reference policy's access vectors as checkpolicy compiled them, read by
# setools (the library sesearch is built on) in one process: every allow,
# auditallow and dontaudit rule of the binary policy is read once (sesearch -A's
# rules, conditional ones only in the branch their booleans' defaults select),
# then each (source type, target type, class) asked is answered as sesearch's
# indirect matching does: the rules keyed on the type or any of its attributes
# (seinfo -a -x membership, Type.attributes()), their permissions united.
# It also picks `picks` triples of its own from random rules (random member types).
# stdin: JSON {"bin": path, "triples": [[s, t, c], ...], "picks": n, "seed": n}
# stdout: JSON {"picked": [[s, t, c], ...], "answers": [{"allow": [...], "auditallow": [...], "dontaudit": [...]}, ...]}
#         answers for the given triples, then for the picked ones.
import json
import random
import sys

import setools

KINDS = ("allow", "auditallow", "dontaudit")

job = json.load(sys.stdin)
p = setools.SELinuxPolicy(job["bin"])
rules = {}
allow_rules = []
for r in p.terules():
    kind = str(r.ruletype)
    if kind not in KINDS:
        continue
    try:
        cond = r.conditional
    except Exception:  # setools raises RuleNotConditional for unconditional rules
        cond = None
    if cond is not None:
        state = {b.name: b.state for b in cond.booleans}
        if cond.evaluate(**state) != r.conditional_block:
            continue
    # Indexed by (source key, class), then target key: a triple looks only at its source's keys.
    by_target = rules.setdefault((str(r.source), str(r.tclass)), {})
    by_target.setdefault(str(r.target), {}).setdefault(kind, set()).update(str(x) for x in r.perms)
    if kind == "allow":
        allow_rules.append(r)

# Each type's keys, itself and its attributes, read once (SELinuxPolicy.lookup_type searches linearly).
keys_of = {str(t): [str(t)] + [str(a) for a in t.attributes()] for t in p.types()}


def keys(type_name):
    return keys_of[type_name]


def answer(s, t, c):
    out = {k: set() for k in KINDS}
    target_keys = keys(t)
    for sk in keys(s):
        by_target = rules.get((sk, c))
        if by_target is None:
            continue
        for tk in target_keys:
            entry = by_target.get(tk)
            if entry is None:
                continue
            for k, perms in entry.items():
                out[k] |= perms
    return {k: sorted(v) for k, v in out.items()}


expanded = {}


def members(key):
    name = str(key)
    if name not in expanded:
        expanded[name] = sorted(str(x) for x in key.expand())
    return expanded[name]


rng = random.Random(job["seed"])
picked = []
for _ in range(job["picks"]):
    r = allow_rules[rng.randrange(len(allow_rules))]
    sources = members(r.source)
    targets = members(r.target)
    if not sources or not targets:
        continue
    picked.append([sources[rng.randrange(len(sources))], targets[rng.randrange(len(targets))], str(r.tclass)])

answers = [answer(s, t, c) for s, t, c in job["triples"] + picked]
json.dump({"picked": picked, "answers": answers}, sys.stdout)
