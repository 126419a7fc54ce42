#!/usr/bin/env bash
# The signal-latency lab (docs/labs/signal-latency.md): alarm-to-handler
# latency for 0, 1, 2 and 4 CPU-bound spinners, under a tickless clock and a
# periodic one at HZ 1000 and 100, with 2 ms and 10 ms quanta.
# Run from the repository root after `npm install`.
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '| spinners | clock | quantum | min (us) | mean (us) | max (us) |\n|---:|---|---:|---:|---:|---:|\n'
for n in 0 1 2 4; do
  sed "s/repeat 2 spawn spinner/repeat $n spawn spinner/; s/repeat 2 wait/repeat $n wait/" examples/signal-latency.boot > "$tmp/lat-$n.boot"
  for clock in "tickless" "periodic 1000" "periodic 100"; do
    set -- $clock
    sets=(--set clock.mode=$1)
    [ $# -gt 1 ] && sets+=(--set clock.hz=$2)
    for q in 2ms 10ms; do
      line=$(node dist/cli/main.js boot "$tmp/lat-$n.boot" "${sets[@]}" --set cpu.quantum=$q 2>/dev/null | grep 'latency:')
      min=$(sed -E 's/.*min=([0-9.]+)us.*/\1/' <<<"$line")
      mean=$(sed -E 's/.*mean=([0-9.]+)us.*/\1/' <<<"$line")
      max=$(sed -E 's/.*max=([0-9.]+)us.*/\1/' <<<"$line")
      label=$1; [ $# -gt 1 ] && label="$1 HZ=$2"
      printf '| %s | %s | %s | %s | %s | %s |\n' "$n" "$label" "$q" "$min" "$mean" "$max"
    done
  done
done
