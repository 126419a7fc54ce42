#!/usr/bin/env bash
# The reference policy compiled by checkpolicy and by `mksim policy check`, side by side, N runs each
# (interleaved, so both see the same machine load); prints each run and min/median/max of user time,
# wall time and max RSS. Usage: bench/refpolicy.sh POLICY.CONF [N=5]
#   (policy.conf: see docs/performance.md, "The Debian reference policy")
set -euo pipefail
conf=${1:?usage: bench/refpolicy.sh POLICY.CONF [N]}
runs=${2:-5}
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
measure() { # name command...: one line "name user wall rss"
  local name=$1; shift
  /usr/bin/time -f "%U %e %M" -o "$out/t" "$@" >/dev/null
  read -r user wall rss < "$out/t"
  echo "$name $user $wall $rss" | tee -a "$out/all"
}
for i in $(seq "$runs"); do
  measure checkpolicy checkpolicy -o /dev/null "$conf"
  measure mksim node dist/mksim.cjs policy check "$conf"
done
for tool in checkpolicy mksim; do
  for col in 2 3 4; do
    grep "^$tool " "$out/all" | awk -v c=$col '{print $c}' | sort -g | awk -v tool=$tool -v c=$col '
      { v[NR] = $1 } END { name = (c == 2 ? "user_s" : c == 3 ? "wall_s" : "maxrss_MiB");
        f = (c == 4 ? 1 / 1024 : 1);
        printf "%s %s min %.2f median %.2f max %.2f\n", tool, name, v[1] * f, v[int((NR + 1) / 2)] * f, v[NR] * f }'
  done
done
