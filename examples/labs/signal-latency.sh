#!/usr/bin/env bash
# The signal-latency lab (docs/labs/signal-latency.md): alarm-to-handler
# latency for 0, 1, 2 and 4 CPU-bound spinners, under a tickless clock and a
# periodic one at HZ 1000 and 100, with 2 ms and 10 ms quanta, for the SCHED
# server's rr and minix policies; then the measurer at priority=6.
# Run from the repository root after `npm install` (and `npx tsc -p .`).
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
row() { # spinners clock-label quantum policy extra-sets...
  local n=$1 label=$2 q=$3 policy=$4; shift 4
  local line min mean max
  line=$(node dist/cli/main.js boot "$tmp/lat-$n.boot" "$@" --set cpu.quantum=$q --set sched.policy=$policy 2>/dev/null | grep 'latency:')
  min=$(sed -E 's/.*min=([0-9.]+)us.*/\1/' <<<"$line")
  mean=$(sed -E 's/.*mean=([0-9.]+)us.*/\1/' <<<"$line")
  max=$(sed -E 's/.*max=([0-9.]+)us.*/\1/' <<<"$line")
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$n" "$label" "$q" "$policy" "$min" "$mean" "$max"
}
for n in 0 1 2 4; do
  sed "s/repeat 2 spawn spinner/repeat $n spawn spinner/; s/repeat 2 wait/repeat $n wait/" examples/signal-latency.boot > "$tmp/lat-$n.boot"
  sed "s/^process measurer$/process measurer priority=6/" "$tmp/lat-$n.boot" > "$tmp/lat-$n-prio6.boot"
done
for policy in rr minix; do
  printf '\n| spinners | clock | quantum | policy | min (us) | mean (us) | max (us) |\n|---:|---|---:|---|---:|---:|---:|\n'
  for n in 0 1 2 4; do
    for q in 2ms 10ms; do
      row $n tickless $q $policy --set clock.mode=tickless
      row $n "periodic HZ=1000" $q $policy --set clock.mode=periodic --set clock.hz=1000
      row $n "periodic HZ=100" $q $policy --set clock.mode=periodic --set clock.hz=100
    done
  done
done
printf '\nmeasurer priority=6:\n| spinners | clock | quantum | policy | min (us) | mean (us) | max (us) |\n|---:|---|---:|---|---:|---:|---:|\n'
for n in 2 4; do
  cp "$tmp/lat-$n-prio6.boot" "$tmp/lat-$n.boot"
  row $n tickless 10ms rr --set clock.mode=tickless
  row $n "periodic HZ=100" 10ms rr --set clock.mode=periodic --set clock.hz=100
done
