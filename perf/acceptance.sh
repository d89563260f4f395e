#!/usr/bin/env bash
# perf/acceptance.sh DIR: issue #10's acceptance criteria, each with its measured value, target and
# verdict, from the folder perf/figures.sh wrote (figures.sh runs it at the end). A criterion
# whose run is missing or failed says "no figure". Reads only the runs' files; runs nothing.
#
# The corosync figures are the issue's (../shared/reference/peers.md, corosync 3.1.7 with knet,
# the highest of its runs): 70,892 / 10,628 / 2,542 msgs/s at 64 / 1600 / 8000 B.
set -euo pipefail
DIR=${1:?usage: perf/acceptance.sh FIGURES_DIR}
[ -d "$DIR" ] || { echo "acceptance: no folder $DIR" >&2; exit 1; }

# bench.json holds one figure per line; print "size msgs_per_s_median" per size (not the sweep).
sizes() {
  [ -f "$1" ] || return 0
  awk '/^"sweep"/ { exit } /"size":/ {
    match($0, /"size":[0-9]+/); s = substr($0, RSTART + 7, RLENGTH - 7)
    match($0, /"msgs_per_s_median":[0-9.]+/); m = substr($0, RSTART + 20, RLENGTH - 20)
    print s, m }' "$1"
}
# The sweep step nearest half the maximum: "offered_per_s p99_ms max".
half_load() {
  [ -f "$1" ] || return 0
  awk '/^"sizes"/ { insizes = 1 } /^"sweep"/ { insizes = 0; insweep = 1 }
    insizes && /"size":/ && max == 0 { match($0, /"msgs_per_s_median":[0-9.]+/); max = substr($0, RSTART + 20, RLENGTH - 20) }
    insweep && /"offered_per_s":/ {
      match($0, /"offered_per_s":[0-9]+/); o = substr($0, RSTART + 16, RLENGTH - 16)
      match($0, /"p99":[0-9]+/); p = substr($0, RSTART + 6, RLENGTH - 6)
      d = o - max / 2; if (d < 0) d = -d
      if (best == "" || d < best) { best = d; bo = o; bp = p } }
    END { if (bo != "") printf "%d %.2f %.0f\n", bo, bp / 1000, max }' "$1"
}
rate() { sizes "$1" | awk -v s="$2" '$1 == s { print $2 }'; }

# Which Java ran them (figures.sh writes it): with crypto on, the figures depend on it.
if [ -f "$DIR/java.txt" ]; then sed 's/^figures: //' "$DIR/java.txt"; echo; fi
printf '| criterion | measured | target | verdict |\n|---|---:|---:|---|\n'
row() { # name value target-op target
  local name=$1 value=$2 op=$3 target=$4
  if [ -z "$value" ]; then printf '| %s | no figure | %s %s | - |\n' "$name" "$op" "$target"; return; fi
  awk -v n="$name" -v v="$value" -v op="$op" -v t="$target" 'BEGIN {
    ok = (op == ">=") ? (v + 0 >= t + 0) : (v + 0 < t + 0)
    printf "| %s | %s | %s %s | %s |\n", n, v, op, t, ok ? "met" : "not met" }'
}
ratio() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b }' || true; }
# The 1600 B ratio of runs $1 over $2 (agreed, clear, safe; ipc-agreed, ipc-clear): with rounds (figures.sh
# PAIRS: $1-2, $2-2, ...) the median of the rounds' ratios, followed by each of them.
rounds_ratio() {
  local r=1 suffix="" values=() v
  while [ -f "$DIR/$1$suffix/bench.json" ] || [ -f "$DIR/$2$suffix/bench.json" ]; do
    v=$(ratio "$(rate "$DIR/$1$suffix/bench.json" 1600)" "$(rate "$DIR/$2$suffix/bench.json" 1600)")
    if [ -n "$v" ]; then values+=("$v"); fi
    r=$((r + 1)); suffix="-$r"
  done
  [ ${#values[@]} -gt 0 ] || return 0
  if [ ${#values[@]} -eq 1 ]; then echo "${values[0]}"; return 0; fi
  printf '%s\n' "${values[@]}" | sort -n | awk -v list="${values[*]}" '{ v[NR] = $1 }
    END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      gsub(/ /, ", ", list); printf "%.2f (median of %d rounds: %s)", m, NR, list }'
}

# compare-encrypted (figures.sh with CRYPTO=on): JGroups under SYM_ENCRYPT, FIFO only.
for c in compare compare-clear compare-encrypted; do
  table="$DIR/$c/table.md"
  [ -f "$table" ] || [ "$c" = compare ] || continue
  crypto=$(cat "$DIR/$c"/totem/bench.json "$DIR/$c"/sitting-1/totem/bench.json 2>/dev/null \
    | grep -o '"crypto":[a-z]*' | head -1 | cut -d: -f2 | sed 's/true/on/; s/false/off/' || true)
  for s in 64 1600 8000; do
    seq=$([ -f "$table" ] && awk -F'|' -v s="$s" '$2 + 0 == s { gsub(/ /, "", $5); print $5 }' "$table" || true)
    fifo=$([ -f "$table" ] && awk -F'|' -v s="$s" '$2 + 0 == s { gsub(/ /, "", $7); print $7 }' "$table" || true)
    if [ "$c" = compare-encrypted ]; then
      row "embedded / JGroups FIFO encrypted (SYM_ENCRYPT AES-256-CBC), $s B (crypto ${crypto:-?})" "$fifo" ">=" 1
      continue
    fi
    row "embedded / JGroups SEQUENCER, $s B (crypto ${crypto:-?})" "$seq" ">=" 2
    row "embedded / JGroups FIFO, $s B (crypto ${crypto:-?})" "$fifo" ">=" 1
  done
done
ipc="$DIR/ipc/bench.json"
set -- 64 70892 1600 10628 8000 2542
while [ $# -gt 0 ]; do
  row "ipc / corosync $2 msgs/s, $1 B (crypto on)" "$(ratio "$(rate "$ipc" "$1")" "$2")" ">=" 10
  shift 2
done
row "safe / agreed, 1600 B embedded" "$(rounds_ratio safe agreed)" ">=" 0.8
# Folders of figures.sh before session 30 have no ipc-agreed: their crypto-on side is the ipc run.
if [ -f "$DIR/ipc-agreed/bench.json" ]; then
  row "crypto on / off, 1600 B ipc" "$(rounds_ratio ipc-agreed ipc-clear)" ">=" 0.85
else
  row "crypto on / off, 1600 B ipc" "$(ratio "$(rate "$ipc" 1600)" "$(rate "$DIR/ipc-clear/bench.json" 1600)")" ">=" 0.85
fi
row "crypto on / off, 1600 B embedded" "$(rounds_ratio agreed clear)" ">=" 0.85
read -r offered p99 max < <(half_load "$DIR/sweep/bench.json"; echo) || true
row "p99 ms at ${offered:-?} msgs/s offered (half of ${max:-?}), 1600 B" "${p99:-}" "<" 5
