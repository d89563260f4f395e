#!/usr/bin/env bash
# perf/compare-corosync.sh: corosync 3.1.7 and ./totem bench in ipc mode in one sitting, one after the
# other (never at the same time), 3 nodes, 3 senders, 64 / 1600 / 8000 B, a daemon and a client
# process per node as corosync's cpgbench runs; prints one table with both and the ratios (the
# target is totem >= 10x corosync).
# corosync: Debian bookworm's package (3.1.7, libknet 1.25), three daemons, each in a network
# namespace of its own (a veth into a bridge in a fourth namespace, 10.77.0.1-3/24) and a mount
# namespace of its own (its /run, for the pid lock 3.1.7 keeps at a fixed path; its state_dir),
# knet, no crypto (crypto_cipher and crypto_hash none), sched_rr: no (corosync's default is
# real-time; see ../shared/reference/peers.md e2 and e4), its defaults otherwise. The clients are
# perf/corosync/cpgbench.c (ours, on libcpg), one per namespace talking to its own daemon (corosync's
# IPC sockets are abstract unix sockets, one set per network namespace), all sending, agreed order;
# a figure is the median node's delivered msgs/s. corosync runs once per veth MTU in VETH_MTU: with
# 1500 (peers.md e2's set-up) knet's frames carry 1446 B, with 65535 they carry 65481 B as totem's
# --netmtu 60000 frames do on loopback (TOTEM_OPTS below), which is the like-for-like comparison.
# Totem: `./totem bench --mode ipc`, with crypto off by default as corosync runs in the clear here.
#
# usage: perf/compare-corosync.sh        (root; installs corosync, libcpg-dev, gcc, iproute2 if missing)
# env:   SIZES ["64 1600 8000"]  DURATION [10] s counted (both)  WARMUP [10] s for corosync
#        TOTEM_WARMUP [60] s for totem (six JVMs compile in ipc mode; see perf/README.md)
#        CRYPTO [off] for totem   TRANSPORT [knet] or udpu for corosync
#        VETH_MTU ["1500 65535"] one corosync run per MTU of the namespaces' links (knet only:
#          udpu keeps corosync's netmtu 1500, so one value is enough there)
#        TOTEM_OPTS ["--netmtu 60000 --window 120 --max-messages 30"] more ./totem bench options
#        BACKOFF_US [200] how long a client waits on its IPC fd after CS_ERR_TRY_AGAIN before it
#          tries again; 0 spins as corosync's cpgbench does, which on two cores halved corosync at
#          1600 and 8000 B (three spinning clients take the daemons' CPU): the default is its better case
#        SKIP_TOTEM [0] 1 measures corosync only   OUT [a new temp folder]
# Takes about 6 minutes with the defaults: 65 s per corosync run (3 x 20 s and the ring), 3.7 minutes
# for totem (60 s warm-up and 10 s per size, the JVMs' start), more when ./totem rebuilds itself.
# Leaves nothing behind: daemons, clients and namespaces go when it ends, however it ends.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZES=${SIZES:-"64 1600 8000"}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-10}
TOTEM_WARMUP=${TOTEM_WARMUP:-60}
CRYPTO=${CRYPTO:-off}
TRANSPORT=${TRANSPORT:-knet}
VETH_MTU=${VETH_MTU:-"1500 65535"}
TOTEM_OPTS=${TOTEM_OPTS-"--netmtu 60000 --window 120 --max-messages 30"}
BACKOFF_US=${BACKOFF_US:-200}
SKIP_TOTEM=${SKIP_TOTEM:-0}
OUT=${OUT:-$(mktemp -d /tmp/totem-corosync-XXXXXX)}
OUT=$(mkdir -p "$OUT" && cd "$OUT" && pwd)
N=3
NS=cscmp            # network namespaces cscmp1..3 (the nodes) and cscmp0 (the bridge)
NET=10.77.0

case "$TRANSPORT" in knet|udpu) ;; *) echo "compare-corosync: TRANSPORT must be knet or udpu" >&2; exit 2 ;; esac
[ "$TRANSPORT" = udpu ] && VETH_MTU=${VETH_MTU%% *}
for m in $VETH_MTU; do
  case "$m" in ''|*[!0-9]*) echo "compare-corosync: VETH_MTU takes numbers (576..65535)" >&2; exit 2 ;; esac
done
if [ "$(id -u)" != 0 ]; then echo "compare-corosync: needs root (namespaces, corosync)" >&2; exit 2; fi

# --- what it needs ------------------------------------------------------------------------------
need=()
command -v corosync >/dev/null || need+=(corosync)
[ -f /usr/include/corosync/cpg.h ] || need+=(libcpg-dev)
command -v gcc >/dev/null || need+=(gcc)
command -v ip >/dev/null || need+=(iproute2)
command -v unshare >/dev/null || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
  echo "compare-corosync: installing ${need[*]}"
  # the package starts a corosync of its own where services may start: forbid that meanwhile
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; made_policy=1
  fi
  apt_ok=1
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"; } >"$OUT/apt.log" 2>&1 || apt_ok=0
  if [ $made_policy = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  if [ $apt_ok = 0 ]; then echo "compare-corosync: apt-get failed; see $OUT/apt.log" >&2; exit 1; fi
fi
version=$(corosync -v 2>/dev/null | sed -n 's/.*version .\([0-9.]*\).*/\1/p' | head -1)
knet=$(dpkg-query -W -f '${Version}' libknet1 2>/dev/null || echo "?")

mkdir -p "$OUT/corosync"
gcc -O2 -Wall -o "$OUT/cpgbench" "$root/perf/corosync/cpgbench.c" -lcpg
echo "compare-corosync: results in $OUT"

# --- namespaces, daemons, clean-up --------------------------------------------------------------
daemon_pids=(); client_pids=()
teardown() {
  local p ns i
  for p in "${client_pids[@]}" "${daemon_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${client_pids[@]}" "${daemon_pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  client_pids=(); daemon_pids=()
  for i in 0 $(seq $N); do
    ns=$NS$i
    ip netns list 2>/dev/null | grep -qw "^$ns" || continue
    # what is still inside is ours (a run killed before it could record a pid, or a previous run's)
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true   # the veths go with their namespaces
  done
}
trap 'rc=$?; trap - EXIT INT TERM; teardown; exit $rc' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# One corosync measurement: namespaces with links of MTU $1, three daemons, three clients; results
# in $2. Tears everything down before it returns.
run_corosync() {
  local mtu=$1 dir=$2 i ns d nodelist="" formed joined failed=0 t0 t1 ticks
  mkdir -p "$dir"
  teardown   # a previous run's leftovers, if it was killed hard
  ip netns add ${NS}0
  ip -n ${NS}0 link add br0 type bridge
  ip -n ${NS}0 link set br0 up
  ip -n ${NS}0 link set lo up
  for i in $(seq $N); do
    ns=$NS$i
    ip netns add "$ns"
    ip link add "${NS}${i}a" type veth peer name "${NS}${i}b"
    ip link set "${NS}${i}a" netns "$ns"
    ip link set "${NS}${i}b" netns ${NS}0
    ip -n "$ns" link set "${NS}${i}a" name eth0
    ip -n "$ns" addr add "$NET.$i/24" dev eth0
    ip -n "$ns" link set eth0 mtu "$mtu" up
    ip -n "$ns" link set lo up
    ip -n ${NS}0 link set "${NS}${i}b" master br0
    ip -n ${NS}0 link set "${NS}${i}b" mtu "$mtu" up
  done

  for i in $(seq $N); do
    nodelist+="    node {
        ring0_addr: $NET.$i
        nodeid: $i
        name: n$i
    }
"
  done
  for i in $(seq $N); do
    d="$dir/n$i"; mkdir -p "$d/run" "$d/state"
    cat >"$d/corosync.conf" <<EOF
# written by perf/compare-corosync.sh: node $i of $N, namespace $NS$i, link MTU $mtu
totem {
    version: 2
    cluster_name: cscmp
    transport: $TRANSPORT
    crypto_cipher: none
    crypto_hash: none
}
nodelist {
$nodelist}
quorum {
    provider: corosync_votequorum
}
system {
    sched_rr: no
    move_to_root_cgroup: no
    state_dir: $d/state
}
logging {
    to_logfile: yes
    logfile: $d/corosync.log
    to_stderr: no
    to_syslog: no
    timestamp: on
}
EOF
    # a mount namespace of its own, so that its pid lock (/var/run/corosync.pid) is its own
    ip netns exec "$NS$i" unshare --mount --propagation private -- \
      sh -c 'mount --bind "$1" /run && exec corosync -f -c "$2"' sh "$d/run" "$d/corosync.conf" \
      >"$d/stdout.log" 2>&1 &
    daemon_pids+=($!)
  done

  echo "compare-corosync: corosync $version (libknet $knet), $TRANSPORT, link MTU $mtu, no crypto, sched_rr no: waiting for the ring of $N"
  formed=0
  for _ in $(seq 120); do
    formed=1
    for i in $(seq $N); do
      if ! kill -0 "${daemon_pids[$((i - 1))]}" 2>/dev/null; then
        echo "compare-corosync: daemon $i exited; see $dir/n$i/" >&2; tail -5 "$dir/n$i/corosync.log" >&2 || true; exit 1
      fi
      joined=$(ip netns exec "$NS$i" corosync-cmapctl -b runtime.members 2>/dev/null | grep -c 'status (str) = joined' || true)
      [ "$joined" = "$N" ] || formed=0
    done
    [ $formed = 1 ] && break
    sleep 0.5
  done
  [ $formed = 1 ] || { echo "compare-corosync: no ring of $N after 60 s; see $dir/n*/corosync.log" >&2; exit 1; }
  ip netns exec ${NS}1 corosync-quorumtool -s >"$dir/quorum.txt" 2>&1 || true
  echo "compare-corosync: ring formed; cpgbench on every node (sizes $SIZES, ${WARMUP} s warm-up, ${DURATION} s counted; load $(cut -d' ' -f1-3 /proc/loadavg))"

  ticks=$(getconf CLK_TCK)
  local -a cpu0
  for i in $(seq $N); do cpu0[$i]=$(cpu_ticks "${daemon_pids[$((i - 1))]}"); done
  t0=$(date +%s.%N)
  for i in $(seq $N); do
    ip netns exec "$NS$i" "$OUT/cpgbench" --sizes "$(echo $SIZES | tr ' ' ',')" --warmup "$WARMUP" \
      --seconds "$DURATION" --members $N --backoff-us "$BACKOFF_US" >"$dir/cpgbench$i.txt" 2>"$dir/cpgbench$i.log" &
    client_pids+=($!)
  done
  for i in $(seq $N); do
    wait "${client_pids[$((i - 1))]}" || { echo "compare-corosync: client $i failed (exit $?); see $dir/cpgbench$i.log" >&2; failed=1; }
  done
  client_pids=()
  t1=$(date +%s.%N)
  for i in $(seq $N); do
    echo "node $i daemon cpu $(awk -v a="${cpu0[$i]}" -v b="$(cpu_ticks "${daemon_pids[$((i - 1))]}")" -v t="$ticks" -v s="$t0" -v e="$t1" \
      'BEGIN { printf "%.1f %% of a core over %.0f s", 100 * (b - a) / t / (e - s), e - s }')"
  done | tee "$dir/cpu.txt"
  for i in $(seq $N); do sed "s/^/node $i /" "$dir/cpgbench$i.txt"; done | tee "$dir/results.txt"
  # what the daemons said about the ring
  for i in $(seq $N); do
    d="$dir/n$i/corosync.log"
    echo "node $i log: $(grep -c 'Retransmit List' "$d" || true) retransmit lists," \
      "$(grep -c 'Token has not been received' "$d" || true) token losses," \
      "$(grep -c 'main process was not scheduled' "$d" || true) main-loop stalls," \
      "$(grep -c 'A new membership' "$d" || true) memberships formed (2 or 3 expected: its own, then the ring)"
  done | tee "$dir/log-summary.txt"
  if grep -q 'Token has not been received\|not scheduled\|A processor failed' "$dir"/n*/corosync.log; then
    echo "compare-corosync: WARNING: the ring lost its token or a daemon stalled (MTU $mtu); compare these times with the window= of the lines above:" >&2
    grep -h 'Token has not been received\|not scheduled\|A processor failed' "$dir"/n*/corosync.log | cut -c1-160 >&2
  fi
  teardown
  [ $failed = 0 ] || exit 1
}

results=()
for mtu in $VETH_MTU; do
  run_corosync "$mtu" "$OUT/corosync/mtu$mtu"
  results+=("$OUT/corosync/mtu$mtu/results.txt")
done

# --- totem --------------------------------------------------------------------------------------
if [ "$SKIP_TOTEM" != 1 ]; then
  echo "compare-corosync: totem (ipc, udpu, crypto $CRYPTO, agreed, ${TOTEM_WARMUP} s warm-up${TOTEM_OPTS:+, $TOTEM_OPTS}; load $(cut -d' ' -f1-3 /proc/loadavg))"
  "$root/totem" bench --mode ipc --nodes $N --senders $N --sizes "$(echo $SIZES | tr ' ' ',')" --seconds "$DURATION" \
    --warmup "$TOTEM_WARMUP" --crypto "$CRYPTO" $TOTEM_OPTS --out "$OUT/totem" 2>&1 | tee "$OUT/totem.log" \
    || { echo "compare-corosync: the totem run failed; see $OUT/totem.log" >&2; exit 1; }
fi
[ -f "$OUT/totem/bench.json" ] || { mkdir -p "$OUT/totem"; echo '{}' >"$OUT/totem/bench.json"; }

# corosync: the median node per MTU and size. Totem: the median node per size (bench.json).
awk -v sizes="$SIZES" -v mtus="$VETH_MTU" -v transport="$TRANSPORT" -v out="$OUT" '
function kv(k,   i) { for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) return substr($i, length(k) + 2); return "" }
function med(list,   n, v, i, j, t) {
  n = split(list, v, " ")
  for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
  if (n == 0) return 0
  return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function ratio(t, c) { return (c > 0 && t > 0) ? sprintf("%.1f", t / c) : "-" }
FILENAME ~ /results.txt$/ && /size=/ {
  m = FILENAME; sub(/.*\/mtu/, "", m); sub(/\/.*/, "", m); s = kv("size")
  cs[m, s] = cs[m, s] " " kv("msgs/s"); ta[m, s] = ta[m, s] " " kv("try_again_counted") / kv("seconds")
  cpu[m, s] = cpu[m, s] " " (kv("cpu") + 0)
}
FILENAME ~ /bench.json$/ && /"size":/ {
  s = $0; sub(/.*"size":/, "", s); sub(/,.*/, "", s)
  t = $0; sub(/.*"msgs_per_s_median":/, "", t); sub(/,.*/, "", t)
  tot[s] = t
}
END {
  n = split(sizes, sz, " "); k = split(mtus, mt, " ")
  for (j = 1; j <= k; j++) for (i = 1; i <= n; i++) {
    m = mt[j]; s = sz[i]; split(cs[m, s], v, " "); lo = hi = v[1]
    for (x in v) { if (v[x] + 0 < lo + 0) lo = v[x]; if (v[x] + 0 > hi + 0) hi = v[x] }
    printf "corosync MTU %d, %d B: %.0f msgs/s median node (%s..%s); clients %.0f TRY_AGAIN/s and %.0f %% cpu (medians)\n", \
      m, s, med(cs[m, s]), lo, hi, med(ta[m, s]), med(cpu[m, s])
  }
  head = "\n| size B | totem ipc msgs/s |"; rule = "|---:|---:|"
  for (j = 1; j <= k; j++) { head = head sprintf(" corosync %s, MTU %s | totem / corosync |", transport, mt[j]); rule = rule "---:|---:|" }
  print head; print rule
  for (i = 1; i <= n; i++) {
    s = sz[i]; t = tot[s] + 0
    row = sprintf("| %d | %s |", s, (t > 0 ? sprintf("%.0f", t) : "-"))
    for (j = 1; j <= k; j++) { c = med(cs[mt[j], s]); row = row sprintf(" %.0f | %s |", c, ratio(t, c)) }
    print row
  }
  for (j = 1; j <= k; j++) {
    line = ""
    for (i = 1; i <= n; i++) {
      s = sz[i]; t = tot[s] + 0; c = med(cs[mt[j], s])
      line = line sprintf("%s%d B %s / %.0f = %s", (i > 1 ? ", " : ""), s, (t > 0 ? sprintf("%.0f", t) : "-"), c, ratio(t, c))
    }
    printf "%scompare-corosync: totem ipc / corosync %s (link MTU %s) msgs/s per node: %s (target >= 10)\n", (j == 1 ? "\n" : ""), transport, mt[j], line
  }
  printf "compare-corosync: results in %s\n", out
}' "${results[@]}" "$OUT/totem/bench.json" | tee "$OUT/table.md"
