#!/usr/bin/env bash
# perf/compare-jgroups.sh: JGroups and ./totem bench in one sitting, one after the other (never at
# the same time), 3 nodes, 3 senders, 64 / 1600 / 8000 B; prints one table with both and the ratios.
# JGroups: 5.5.7 over UDP (no IP multicast), SEQUENCER total order and FIFO-only, tuned with
# -Djgroups.bundler.capacity=64k (see ../shared/reference/peers.md). Totem: embedded senders, agreed.
#
# usage: perf/compare-jgroups.sh
# env:   SIZES ["64 1600 8000"]  DURATION [10] s counted  WARMUP [20] s (the JIT of three JVMs on two cores needs that long)
#        REPS [1] (JGroups runs per case)  CRYPTO [on] for totem
#        SITTINGS [1] whole sittings (JGroups, then totem) in a row: the table gives medians over them
#          and each sitting's ratios (both sides spread by 15-50 % between sittings on a 2-core host)
#        TOTEM_OPTS ["--netmtu 60000 --window 120 --max-messages 30"] more ./totem bench options: frames as
#          large as loopback carries, as JGroups is tuned to bundle 64 KB; TOTEM_OPTS="" runs corosync's defaults
#        JGROUPS_BENCH [<repo>/../shared/bench/jgroups]   OUT [a new temp folder]
#        JGROUPS_CRYPTO [off] on runs JGroups encrypted as well, for a reading with crypto on both sides:
#          SYM_ENCRYPT under NAKACK2 with a fresh AES-256 key, AES/CBC/PKCS5Padding (JGroups 5.5.7's
#          Encrypt passes an IvParameterSpec, which the JDK's GCM refuses; CBC has no integrity check,
#          so JGroups does less work than totem's AES-GCM); FIFO only (SEQUENCER over SYM_ENCRYPT
#          stalled after 2,443 deliveries at 1600 B). The stack is the harness's bench-udp.xml with
#          that one line added, in a folder that JGroups is run from: it reads a stack file from the
#          working directory before its class path.
#        SCHED_RR [0] 1 runs both under real-time round-robin scheduling (chrt --rr 1, root): JGroups'
#          whole run, and totem's node processes (./totem bench --sched-rr), as corosync runs its daemon
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZES=${SIZES:-"64 1600 8000"}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-20}
REPS=${REPS:-1}
SITTINGS=${SITTINGS:-1}
CRYPTO=${CRYPTO:-on}
SCHED_RR=${SCHED_RR:-0}
JGROUPS_CRYPTO=${JGROUPS_CRYPTO:-off}
RR_LAUNCH=(); RR_OPT=""
if [ "$SCHED_RR" = 1 ]; then RR_LAUNCH=(chrt --rr 1); RR_OPT="--sched-rr"; fi
TOTEM_OPTS=${TOTEM_OPTS-"--netmtu 60000 --window 120 --max-messages 30"}
JGROUPS_BENCH=${JGROUPS_BENCH:-"$root/../shared/bench/jgroups"}
OUT=${OUT:-$(mktemp -d /tmp/totem-compare-XXXXXX)}

if [ ! -f "$JGROUPS_BENCH/run.sh" ]; then
  echo "compare-jgroups: no JGroups harness at $JGROUPS_BENCH (set JGROUPS_BENCH)" >&2
  exit 2
fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd) # JGroups may run from another folder
echo "compare-jgroups: results in $OUT"

# The harness's UDP stack with SYM_ENCRYPT under NAKACK2, and its key, into folder $1.
encrypted_stack() {
  local d=$1 keytool
  keytool=$(dirname "$(readlink -f "$(command -v java)")")/keytool
  mkdir -p "$d"
  "$keytool" -genseckey -alias bench -keyalg AES -keysize 256 -storetype JCEKS -keystore "$d/bench.jceks" \
    -storepass changeit -keypass changeit >/dev/null 2>&1 \
    || { echo "compare-jgroups: $keytool could not make a key for JGroups" >&2; exit 1; }
  sed "s|^\( *\)<pbcast.NAKACK2|\1<SYM_ENCRYPT keystore_name=\"$d/bench.jceks\" keystore_type=\"JCEKS\" store_password=\"changeit\" key_password=\"changeit\" alias=\"bench\" sym_algorithm=\"AES/CBC/PKCS5Padding\" sym_iv_length=\"16\"/>\n\1<pbcast.NAKACK2|" \
    "$JGROUPS_BENCH/src/main/resources/bench-udp.xml" >"$d/bench-udp.xml"
  grep -q SYM_ENCRYPT "$d/bench-udp.xml" || { echo "compare-jgroups: no NAKACK2 line to put SYM_ENCRYPT under" >&2; exit 1; }
}

# One sitting: JGroups, then totem, into folder $1.
sitting() {
  local dir=$1 modes="seq fifo" from=$PWD what="SEQUENCER and FIFO"
  mkdir -p "$dir"
  if [ "$JGROUPS_CRYPTO" = on ]; then
    modes=fifo from="$dir/jgroups-stack" what="FIFO, SYM_ENCRYPT AES-256-CBC"
    encrypted_stack "$from"
  fi
  echo "compare-jgroups: JGroups (UDP, $what, sizes $SIZES, ${DURATION} s each)"
  (cd "$from" && JVM_OPTS="-Djgroups.bundler.capacity=64k" TRANSPORTS=udp MODES="$modes" SIZES="$SIZES" REPS="$REPS" \
    WARMUP="$WARMUP" DURATION="$DURATION" OUT="$dir/jgroups" "${RR_LAUNCH[@]}" bash "$JGROUPS_BENCH/run.sh") >"$dir/jgroups.log" 2>&1 \
    || { echo "compare-jgroups: the JGroups run failed; see $dir/jgroups.log" >&2; exit 1; }
  if [ "$JGROUPS_CRYPTO" = on ] && ! grep -q "SYM_ENCRYPT" "$dir"/jgroups/*.err; then
    echo "compare-jgroups: JGroups did not run the encrypted stack of $from; see $dir/jgroups/*.err" >&2
    exit 1
  fi

  echo "compare-jgroups: totem (udpu, crypto $CRYPTO, agreed, embedded senders${TOTEM_OPTS:+, $TOTEM_OPTS}${RR_OPT:+, $RR_OPT})"
  "$root/totem" bench --nodes 3 --senders 3 --sizes "$(echo $SIZES | tr ' ' ',')" --seconds "$DURATION" \
    --warmup "$WARMUP" --crypto "$CRYPTO" $RR_OPT $TOTEM_OPTS --out "$dir/totem" | tee "$dir/totem.log"
}

if [ "$SITTINGS" = 1 ]; then
  sitting "$OUT"
  results=("$OUT/jgroups/results.txt" "$OUT/totem/bench.json")
else
  results=()
  for k in $(seq 1 "$SITTINGS"); do
    echo "compare-jgroups: sitting $k of $SITTINGS"
    sitting "$OUT/sitting-$k"
    results+=("$OUT/sitting-$k/jgroups/results.txt" "$OUT/sitting-$k/totem/bench.json")
  done
fi

# JGroups: median over members, runs and sittings of msgs_per_s per (mode, size). Totem: the median
# node per size, then the median over sittings. With several sittings, each one's ratios follow.
awk -v sizes="$SIZES" -v sittings="$SITTINGS" -v jgcrypto="$JGROUPS_CRYPTO" '
function kv(k,   i) { for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) return substr($i, length(k) + 2); return "" }
function med(list,   n, v, i, j, t) {
  n = split(list, v, " ")
  for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
  if (n == 0) return 0
  return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
FNR == 1 && FILENAME ~ /results.txt$/ { k++ }
FILENAME ~ /results.txt$/ && /^RESULT/ {
  jg[kv("mode"), kv("size")] = jg[kv("mode"), kv("size")] " " kv("msgs_per_s")
  one[k, kv("mode"), kv("size")] = one[k, kv("mode"), kv("size")] " " kv("msgs_per_s")
}
FILENAME ~ /bench.json$/ && /"size":/ {
  s = $0; sub(/.*"size":/, "", s); sub(/,.*/, "", s)
  m = $0; sub(/.*"msgs_per_s_median":/, "", m); sub(/,.*/, "", m)
  tot[s] = tot[s] " " m
  onet[k, s] = m
}
END {
  if (jgcrypto == "on") printf "\nJGroups encrypted: SYM_ENCRYPT AES-256-CBC, FIFO only\n"
  printf "\n| size B | totem agreed msgs/s | JGroups SEQUENCER | totem / SEQUENCER | JGroups FIFO | totem / FIFO |\n"
  printf "|---:|---:|---:|---:|---:|---:|\n"
  n = split(sizes, sz, " ")
  for (i = 1; i <= n; i++) {
    s = sz[i]; q = med(jg["seq", s]); f = med(jg["fifo", s]); t = med(tot[s])
    printf "| %d | %.0f | %.0f | %s | %.0f | %s |\n", s, t, q, (q > 0 ? sprintf("%.2f", t / q) : "-"), f, (f > 0 ? sprintf("%.2f", t / f) : "-")
  }
  if (sittings > 1) {
    printf "\nratios per sitting (totem / SEQUENCER, totem / FIFO):\n"
    for (i = 1; i <= n; i++) {
      s = sz[i]; line = ""
      for (j = 1; j <= k; j++) {
        q = med(one[j, "seq", s]); f = med(one[j, "fifo", s]); t = onet[j, s] + 0
        line = line sprintf(" %s/%s", (q > 0 ? sprintf("%.2f", t / q) : "-"), (f > 0 ? sprintf("%.2f", t / f) : "-"))
      }
      printf "%d B:%s\n", s, line
    }
  }
}' "${results[@]}" | tee "$OUT/table.md"
