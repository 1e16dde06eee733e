#!/usr/bin/env bash
# gRPC and WebSocket benchmark (run by hand; never part of the tests), HAProxy and Canaria in the same run.
#
#   grpc : unary gRPC calls, h2c end to end: ProtocolBench grpc (GRPC_CONNECTIONS connections x GRPC_STREAMS calls
#          in flight) -> proxy (HAProxy "proto h2" both sides / Canaria's HTTP/2 listener) -> two .NET gRPC backends
#   ws   : WebSocket round trips: ProtocolBench ws (WS_CONNECTIONS sessions, one message in flight each) -> proxy
#          (HAProxy / Canaria's fast path, which tunnels the 101) -> two .NET WebSocket echo backends
# Both proxies split 90/10 (a WebSocket session stays on the version it was sent to). The load client is .NET, not
# h2load: h2load (Debian nghttp2-client) reports no percentiles and speaks no WebSocket.
# CPU budget as in run.sh: the proxy pinned to core ${PROXY_CPU} (one thread / the gateway's runtime sees one CPU),
# the load client and the backends on core ${LOAD_CPU}. Each target: warm-up windows of WARMUP seconds until the proxy's
# CPU per request settles (at least WARMUP_MIN windows, then until a window is within 10% of the one before, at most
# WARMUP_MAX), then a measured run. The gateway's first 30-60 s under load (longer on a busy machine) are mostly the JIT
# recompiling hot methods at tier 1 (the cold column shows the first window; two windows can agree while it is still at
# work, hence the minimum of 40 s), so a single short warm-up measures the JIT, not the proxy.
#
# KINDS=grpc (or ws) measures one case only; BUILD=aot the Native AOT canaria-gateway (AOT_BUILD=DIR: one built before).
# Needs: haproxy (Debian), the .NET SDK. Usage: bench/gateway/protocols.sh [seconds]
set -euo pipefail

DURATION="${1:-10}"
WARMUP="${WARMUP:-5}"; WARMUP_MIN="${WARMUP_MIN:-8}"; WARMUP_MAX="${WARMUP_MAX:-12}"
GRPC_CONNECTIONS="${GRPC_CONNECTIONS:-4}"; GRPC_STREAMS="${GRPC_STREAMS:-8}"; WS_CONNECTIONS="${WS_CONNECTIONS:-20}"
PROXY_CPU="${PROXY_CPU:-1}"
LOAD_CPU="${LOAD_CPU:-0}"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
start_workdir canaria-bench-protocols

for tool in haproxy taskset dotnet curl ${CLIENT:-}; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install haproxy curl; CLIENT=h2load: nghttp2-client)" >&2; exit 1; }
done

V1GRPC=18281; V1WS=18282; V2GRPC=18283; V2WS=18284
HAPROXY_GRPC=18290; HAPROXY_WS=18291; CANARIA_GRPC=18292; CANARIA_WS=18293
ports() { sed -e "s#@V1GRPC@#$V1GRPC#g" -e "s#@V1WS@#$V1WS#g" -e "s#@V2GRPC@#$V2GRPC#g" -e "s#@V2WS@#$V2WS#g" -e "s#@GRPC@#$1#g" -e "s#@WS@#$2#g"; }

echo "building the load client, the backends and the gateway (ReadyToRun unless PUBLISH=jit; BUILD=aot: the Native AOT canaria-gateway)..." >&2
dotnet build -c Release "$HERE/ProtocolBench" -o "$WORK/pb" -v quiet -nologo >/dev/null
if [ "${BUILD:-r2r}" = aot ]; then publish_gateway_aot "$WORK/gw-aot"; GATEWAY=("${GATEWAY_AOT[@]}"); else publish_gateway "$WORK/gw"; fi
PB="$WORK/pb/ProtocolBench.dll"

taskset -c "$LOAD_CPU" dotnet "$PB" backend v1 "$V1GRPC" "$V1WS" & PIDS+=($!); BACKEND_PIDS=($!)
taskset -c "$LOAD_CPU" dotnet "$PB" backend v2 "$V2GRPC" "$V2WS" & PIDS+=($!); BACKEND_PIDS+=($!)

ports "$HAPROXY_GRPC" "$HAPROXY_WS" < "$HERE/haproxy-protocols.cfg" > "$WORK/haproxy.cfg"
taskset -c "$PROXY_CPU" haproxy -db -f "$WORK/haproxy.cfg" &
PIDS+=($!); HAPROXY_PID=$!

ports "$CANARIA_GRPC" "$CANARIA_WS" < "$HERE/gateway-protocols.yaml" > "$WORK/gateway.yaml"
DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS="${INLINE_COMPLETIONS:-1}" DOTNET_ThreadPool_UnfairSemaphoreSpinLimit="${SPIN_LIMIT:-0}" \
  DOTNET_gcServer=0 DOTNET_GCgen0size="${GEN0SIZE:-0x2000000}" taskset -c "$PROXY_CPU" "${GATEWAY[@]}" "$WORK/gateway.yaml" &
PIDS+=($!); CANARIA_PID=$!

wait_port() {
  for _ in $(seq 1 150); do
    curl -sS -o /dev/null "http://127.0.0.1:$1/" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "port $1 did not answer" >&2; exit 1
}
for port in $V1WS $V2WS $HAPROXY_WS $CANARIA_WS; do wait_port "$port"; done

# CLIENT=h2load: gRPC load from h2load (Debian nghttp2-client, C) instead of ProtocolBench: same connections and calls in
# flight and the same request (a 5-byte gRPC frame header and the payload), at a fraction of the .NET client's CPU, so the
# load core saturates later and req/s says more about the proxy. h2load prints no percentiles and cannot see which backend
# answered: p50 is then its mean, p99 its max. It counts any HTTP 200 as a success (grpc-status is not read), so the
# bench counts what each backend answered around the measured run: "to v2" comes from those counts, and calls h2load
# finished that no backend answered are errors.
printf '\x00\x00\x00\x00\x14hello from the bench' > "$WORK/grpc-body"
h2load_grpc() { # port seconds -> the ProtocolBench line
  taskset -c "$LOAD_CPU" h2load -c"$GRPC_CONNECTIONS" -m"$GRPC_STREAMS" -t1 -D "$2" -d "$WORK/grpc-body" -H 'content-type: application/grpc' \
    -H 'te: trailers' "http://127.0.0.1:$1/canaria.bench.Echo/Say" 2>&1 | awk '
    /^finished in/ { rps = $4 }
    /^requests:/ { total = $2; ok = $8 }
    function ms(v) { return v ~ /us$/ ? v / 1000 : v ~ /ms$/ ? v + 0 : v * 1000 }
    /^time for request:/ { mean = ms($6); max = ms($5) }
    END { printf "requests=%d errors=%d rps=%s p50_ms=%.3f p99_ms=%.3f v2=0\n", ok, total - ok, rps, mean, max }'
}
backend_calls() { curl -sS "http://127.0.0.1:$1/calls"; } # the WebSocket port of a backend -> gRPC calls it answered
load() { # kind port seconds
  if [ "$1" = grpc ] && [ "${CLIENT:-}" = h2load ]; then
    h2load_grpc "$2" "$3"
  elif [ "$1" = grpc ]; then
    taskset -c "$LOAD_CPU" dotnet "$PB" grpc "http://127.0.0.1:$2" "$GRPC_CONNECTIONS" "$GRPC_STREAMS" "$3"
  else
    taskset -c "$LOAD_CPU" dotnet "$PB" ws "ws://127.0.0.1:$2/" "$WS_CONNECTIONS" "$3"
  fi
}

echo "Machine: $(nproc) cores, load average before measuring: $(cut -d' ' -f1-3 /proc/loadavg) (shared machine: other work adds noise; CPU us/req is the steadier figure)."
echo "CPU budget: proxy pinned to core $PROXY_CPU; the .NET load client and both backends on core $LOAD_CPU."
echo "grpc: $GRPC_CONNECTIONS h2c connections x $GRPC_STREAMS calls in flight; ws: $WS_CONNECTIONS sessions, 1 round trip in flight each; warm-up windows of ${WARMUP}s until the CPU per request settles (${WARMUP_MIN}-${WARMUP_MAX} windows), then ${DURATION}s measured per target."
# CPU microseconds per request of the proxy over one load run: kind port seconds pid -> "us requests=N ..." on stdout.
measured_load() {
  local before result
  before=$(cpu_seconds "$4")
  result=$(load "$1" "$2" "$3")
  echo "$before $(cpu_seconds "$4") $(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<< "$result")" | awk '{printf "%.1f", ($2 - $1) * 1e6 / ($3 > 0 ? $3 : 1)}'
}

# Idle (and iowait) ticks of one core so far, from /proc/stat; and the share of the time since $3 (date +%s%N) that core
# was busy, given its idle ticks then ($2). A load core near 100 % means the load client and backends, not the proxy,
# set the throughput.
idle_ticks() { awk -v c="cpu$1" '$1 == c {print $5 + $6}' /proc/stat; }
busy_share() {
  echo "$2 $(idle_ticks "$1") $3 $(date +%s%N) $(getconf CLK_TCK)" | awk '{printf "%.0f", 100 * (1 - ($2 - $1) / $5 / (($4 - $3) / 1e9))}'
}

# Warm-up windows until the CPU per request settles; prints "windows first-window-us last-window-us".
warm_up() { # kind port pid
  local n=0 first="" previous="" current
  while :; do
    n=$((n + 1))
    current=$(measured_load "$1" "$2" "$WARMUP" "$3")
    first="${first:-$current}"
    if [ "$n" -ge "$WARMUP_MAX" ] || { [ "$n" -ge "$WARMUP_MIN" ] && awk -v a="$previous" -v b="$current" 'BEGIN { exit !(b >= a * 0.9 && b <= a * 1.1) }'; }; then break; fi
    previous=$current
  done
  echo "$n $first $current"
}

for target in "grpc:haproxy:$HAPROXY_GRPC:$HAPROXY_PID" "grpc:canaria:$CANARIA_GRPC:$CANARIA_PID" "ws:haproxy:$HAPROXY_WS:$HAPROXY_PID" "ws:canaria:$CANARIA_WS:$CANARIA_PID"; do
  IFS=: read -r kind name port pid <<< "$target"
  case " ${KINDS:-grpc ws} " in *" $kind "*) ;; *) continue ;; esac
  read -r windows cold settled <<< "$(warm_up "$kind" "$port" "$pid")"
  before=$(cpu_seconds "$pid"); switches=$(context_switches "$pid"); backends=$(cpu_seconds "${BACKEND_PIDS[@]}")
  idle_load=$(idle_ticks "$LOAD_CPU"); idle_proxy=$(idle_ticks "$PROXY_CPU"); ticks=$(date +%s%N)
  calls_v1=$(backend_calls "$V1WS"); calls_v2=$(backend_calls "$V2WS")
  result=$(load "$kind" "$port" "$DURATION")
  if [ "$kind" = grpc ]; then
    # What the backends answered, not what the client was told: the share to v2 for any client, and with h2load (which
    # counts any HTTP 200, a proxy's own gRPC error included) the calls that reached no backend as errors.
    served_v1=$(( $(backend_calls "$V1WS") - calls_v1 )); served_v2=$(( $(backend_calls "$V2WS") - calls_v2 ))
    result=$(awk -v s1="$served_v1" -v s2="$served_v2" -v h2load="${CLIENT:-}" '{
      for (i = 1; i <= NF; i++) {
        split($i, kv, "=")
        if (kv[1] == "v2") $i = "v2=" s2
        if (kv[1] == "errors" && h2load == "h2load") { n = 0; for (j = 1; j <= NF; j++) { split($j, r, "="); if (r[1] == "requests") n = r[2] } e = n - s1 - s2; $i = "errors=" (e > 0 ? e : 0) }
      }
      print $0 " served=" (s1 + s2) }' <<< "$result")
  fi
  echo "$kind $name $result cpu=$(echo "$before $(cpu_seconds "$pid")" | awk '{printf "%.3f", $2 - $1}') cs=$(( $(context_switches "$pid") - switches )) backends=$(echo "$backends $(cpu_seconds "${BACKEND_PIDS[@]}")" | awk '{printf "%.3f", $2 - $1}') busy_load=$(busy_share "$LOAD_CPU" "$idle_load" "$ticks") busy_proxy=$(busy_share "$PROXY_CPU" "$idle_proxy" "$ticks") cold=$cold warmup=$windows load=$(cut -d' ' -f1 /proc/loadavg)" >> "$WORK/results.txt"
done

python3 - "$WORK/results.txt" "$WARMUP" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    kind, name, *fields = line.split()
    f = dict(x.split("=") for x in fields)
    n = max(int(f["requests"]), 1)
    rows[(kind, name)] = (float(f["rps"]), float(f["p50_ms"]), float(f["p99_ms"]), float(f["cpu"]) * 1e6 / n, int(f["cs"]) / n, int(f["errors"]), int(f["v2"]) / n,
                          float(f["cold"]), int(f["warmup"]), f["load"], float(f["backends"]) * 1e6 / n, f["busy_load"], f["busy_proxy"])
print(f"{'case':<14}{'req/s':>9}{'p50 ms':>8}{'p99 ms':>8}{'CPU us/req':>11}{'cs/req':>8}{'to v2':>7}   {'vs HAProxy: req/s':>17}{'p99':>6}{'CPU':>6}{'cs':>6}  errors"
      f"{'cold CPU':>10}{'warm-up':>9}{'load':>7}{'backends us/req':>16}{'busy load/proxy core':>22}")
for (kind, name), (rps, p50, p99, cpu, cs, errors, v2, cold, warmup, load, backends, busy_load, busy_proxy) in rows.items():
    h = rows.get((kind, "haproxy"))
    ratios = f"{rps / h[0]:>17.2f}{p99 / h[2]:>6.2f}{cpu / h[3]:>6.2f}{cs / h[4] if h[4] else float('nan'):>6.2f}" if h else ""
    print(f"{kind + ' ' + name:<14}{rps:>9.0f}{p50:>8.3f}{p99:>8.3f}{cpu:>11.1f}{cs:>8.2f}{v2:>7.0%}   {ratios}  {errors:>6}{cold:>10.1f}{warmup:>8}w{load:>7}{backends:>16.1f}{busy_load + '% / ' + busy_proxy + '%':>22}")
print("(CPU and context switches of the proxy process per request. Target for canaria: gRPC and WebSocket req/s >= 0.80 x HAProxy.)")
print(f"(cold CPU: us/request in the first {sys.argv[2]} s warm-up window; warm-up: windows until the CPU per request settled; load: 1-min load average after the measured run.)")
print("(backends us/req: CPU both backends spent per request; busy: share of the measured run the load core (client + backends) and the proxy's core")
print(" were busy, all processes. With the load core near 100 % and the proxy's well below, req/s measures the load side and the other work on the machine.)")
PY
