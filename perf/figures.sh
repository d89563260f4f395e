#!/usr/bin/env bash
# perf/figures.sh: the figures issue #10 asks for, in one sitting on a quiet machine (about 13 minutes):
# the JGroups comparison, IPC mode, safe against agreed and crypto on against off at 1600 B, and
# latency against offered load. Prints the summary lines; everything else lands in OUT.
#
# env: TOTEM_OPTS ["--netmtu 60000 --window 120 --max-messages 30"]  OUT [a new temp folder]
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
T=${TOTEM_OPTS-"--netmtu 60000 --window 120 --max-messages 30"}
OUT=${OUT:-$(mktemp -d /tmp/totem-figures-XXXXXX)}
mkdir -p "$OUT"
echo "figures: results in $OUT; totem options: ${T:-corosync defaults}"
summary() { grep -E "size=|sweep" | sed 's/^bench [0-9:]* +[ 0-9]*s  //'; }

echo "== compare-jgroups"
DURATION=8 WARMUP=20 TOTEM_OPTS="$T" OUT="$OUT/compare" bash "$root/perf/compare-jgroups.sh" 2>&1 | tail -5
echo "== ipc"
"$root/totem" bench --mode ipc --seconds 8 $T --out "$OUT/ipc" 2>&1 | summary
for run in "safe --guarantee safe" "agreed --guarantee agreed" "clear --crypto off"; do
  set -- $run
  echo "== 1600 B $*"
  name=$1; shift
  "$root/totem" bench --sizes 1600 --seconds 8 --warmup 20 "$@" $T --out "$OUT/$name" 2>&1 | summary
done
echo "== latency against load, 1600 B"
"$root/totem" bench --sizes 1600 --sweep --seconds 6 --warmup 8 $T --out "$OUT/sweep" 2>&1 | summary
