# libsepol's own access decisions (sepol_compute_av_reason, through the
# audit2why module of python3-selinux) for many binary policies: for each
# query (scontext, tcontext, tclass, perm) the reason code audit2why gives
# (0 allowed, 2 no TE rule, 3 a boolean would allow, 4 constraint, 6 RBAC...).
# stdin: JSON [{"bin": path, "queries": [[scon, tcon, tclass, perm], ...]}]
# stdout: JSON [[code, ...], ...] in the same order.
import json
import sys

import selinux.audit2why as a2w

out = []
for job in json.load(sys.stdin):
    a2w.init(job["bin"])
    codes = []
    for scon, tcon, tclass, perm in job["queries"]:
        rc, _ = a2w.analyze(scon, tcon, tclass, [perm])
        codes.append(rc)
    a2w.finish()
    out.append(codes)
json.dump(out, sys.stdout)
