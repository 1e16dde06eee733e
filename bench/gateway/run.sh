#!/usr/bin/env bash
# Gateway benchmark (run by hand; never part of the tests).
#
# Measures, in one run, on loopback with wrk:
#   direct   : wrk -> nginx backend (v1 only)
#   haproxy  : wrk -> HAProxy 2.6 (90/10 v1/v2, keep-alive to backends)  -> nginx backends
#   nginx    : wrk -> nginx as a 90/10 proxy (upstream keepalive)        -> nginx backends
#   canaria  : wrk -> Canaria gateway, fast path (90/10)                 -> nginx backends
#   kestrel  : wrk -> Canaria gateway, CANARIA_GATEWAY_ENGINE=kestrel     -> nginx backends
#   aot      : wrk -> canaria-gateway, the shipped Native AOT gateway (fast path) -> nginx backends
# canaria and kestrel run the ReadyToRun-published GatewayBench (PUBLISH=jit runs a plain JIT build instead); aot the
# Native AOT canaria-gateway the local platform runs (AOT_BUILD=DIR uses one built before). For the gateways it also prints the start time (launch
# until the listener answers) and the resident memory after the run.
#
# CPU budget (2-core machine): every proxy is pinned to core ${PROXY_CPU} with ONE worker/thread
# (haproxy nbthread 1, nginx worker_processes 1, the .NET gateway pinned with taskset so its
# runtime sees one CPU: workstation GC, thread pool sized for one core). wrk (1 thread) and the
# backend nginx (1 worker) share core ${LOAD_CPU}. Each target gets a warm-up run, then a measured run.
# Gateway runtime settings (measured, see bench/gateway/README.md): workstation non-concurrent GC with a
# 32 MB gen0 budget, no tiered PGO (GatewayBench.csproj), no thread-pool spinning on the single core.
#
# Needs: nginx haproxy wrk (Debian), the .NET SDK. Usage: bench/gateway/run.sh [seconds] [connections]
set -euo pipefail

DURATION="${1:-10}"
CONNECTIONS="${2:-50}"
WARMUP="${WARMUP:-4}"
PROXY_CPU="${PROXY_CPU:-1}"
LOAD_CPU="${LOAD_CPU:-0}"
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
ROOT="$(cd "$HERE/../.." && pwd)"
start_workdir canaria-bench

for tool in nginx haproxy wrk taskset dotnet; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install nginx haproxy wrk)" >&2; exit 1; }
done

V1=18081; V2=18082; HAPROXY=18090; NGINXPROXY=18091; CANARIA=18092; KESTREL=18093; AOT=18094
ALL_TARGETS="direct haproxy nginx canaria kestrel aot"; TARGETS="${TARGETS:-$ALL_TARGETS}"

# --- backends: one nginx, one worker, two ports (v1, v2), small fixed body ---
mkdir -p "$WORK/nginx-backend" "$WORK/nginx-proxy"
sed -e "s#@WORK@#$WORK/nginx-backend#g" -e "s#@V1@#$V1#g" -e "s#@V2@#$V2#g" "$HERE/nginx-backend.conf" > "$WORK/nginx-backend/nginx.conf"
taskset -c "$LOAD_CPU" nginx -c "$WORK/nginx-backend/nginx.conf" -p "$WORK/nginx-backend" &
PIDS+=($!)

# --- proxies, each pinned to the proxy core with one worker/thread ---
sed -e "s#@PORT@#$HAPROXY#g" -e "s#@V1@#$V1#g" -e "s#@V2@#$V2#g" "$HERE/haproxy.cfg" > "$WORK/haproxy.cfg"
taskset -c "$PROXY_CPU" haproxy -db -f "$WORK/haproxy.cfg" &
PIDS+=($!); HAPROXY_PID=$!

sed -e "s#@WORK@#$WORK/nginx-proxy#g" -e "s#@PORT@#$NGINXPROXY#g" -e "s#@V1@#$V1#g" -e "s#@V2@#$V2#g" "$HERE/nginx-proxy.conf" > "$WORK/nginx-proxy/nginx.conf"
taskset -c "$PROXY_CPU" nginx -c "$WORK/nginx-proxy/nginx.conf" -p "$WORK/nginx-proxy" &
PIDS+=($!); NGINX_PROXY_MASTER=$!

publish_gateway "$WORK/gw"
[[ " $TARGETS " == *" aot "* ]] && publish_gateway_aot "$WORK/gw-aot"
start_gateway() { # port engine name command... (the command: GATEWAY or GATEWAY_AOT)
  local port=$1 engine=$2 name=$3; shift 3
  sed -e "s#@PORT@#$port#g" -e "s#@V1@#$V1#g" -e "s#@V2@#$V2#g" "$HERE/gateway.yaml" > "$WORK/gateway-$name.yaml"
  date +%s%N > "$WORK/launch-$name.txt"
  CANARIA_GATEWAY_ENGINE="$engine" DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS="${INLINE_COMPLETIONS:-$([ "$engine" = fast ] && echo 1 || echo 0)}" \
    DOTNET_TieredCompilation="${TIERED_COMPILATION:-1}" DOTNET_ThreadPool_UnfairSemaphoreSpinLimit="${SPIN_LIMIT:-0}" DOTNET_gcServer=0 DOTNET_GCgen0size="${GEN0SIZE:-0x2000000}" \
    taskset -c "$PROXY_CPU" "$@" "$WORK/gateway-$name.yaml" &
}
start_gateway "$CANARIA" fast canaria "${GATEWAY[@]}"; PIDS+=($!); CANARIA_PID=$!
# Started one after the other, so each start time is its own (the listener answering is the end of the start).
wait_started() { # port name
  for _ in $(seq 1 2000); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$1/" 2>/dev/null; then
      echo $(( ($(date +%s%N) - $(cat "$WORK/launch-$2.txt")) / 1000000 )) > "$WORK/start-$2.txt"; return 0
    fi
    sleep 0.005
  done
  echo "the $2 gateway did not answer on port $1" >&2; exit 1
}
wait_started "$CANARIA" canaria
start_gateway "$KESTREL" kestrel kestrel "${GATEWAY[@]}"; PIDS+=($!); KESTREL_PID=$!
wait_started "$KESTREL" kestrel
AOT_PID=""
if [ -n "${GATEWAY_AOT:-}" ]; then
  start_gateway "$AOT" fast aot "${GATEWAY_AOT[@]}"; PIDS+=($!); AOT_PID=$!
  wait_started "$AOT" aot
fi

wait_port() {
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$1/" && return 0
    sleep 0.1
  done
  echo "port $1 did not answer" >&2; exit 1
}
for port in $V1 $V2 $HAPROXY $NGINXPROXY $CANARIA $KESTREL ${AOT_PID:+$AOT}; do wait_port "$port"; done

# Sanity: the proxies really split 90/10.
split() {
  local v2=0
  for _ in $(seq 1 200); do
    body="$(curl -fsS "http://127.0.0.1:$1/")"; [ "$body" = "v2" ] && v2=$((v2 + 1))
  done
  echo "$v2"
}

run_wrk() {
  local port=$1 name=$2; shift 2
  taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$port/" >/dev/null
  local before; before=$(cpu_seconds "$@")
  local switches; switches=$(context_switches "$@")
  taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$port/" > "$WORK/wrk-$name.txt"
  echo "$before $(cpu_seconds "$@")" | awk '{printf "%.3f", $2 - $1}' > "$WORK/cpu-$name.txt"
  echo $(( $(context_switches "$@") - switches )) > "$WORK/cs-$name.txt"
}

echo "Machine: $(nproc) cores, load average before measuring: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine adds noise; CPU us/req is the steadier figure)."
echo "CPU budget: proxies pinned to core $PROXY_CPU (1 worker/thread each); wrk -t1 and the nginx backend (1 worker) on core $LOAD_CPU."
echo "wrk: ${CONNECTIONS} connections, ${WARMUP}s warm-up then ${DURATION}s measured per target; body: 2 bytes; HTTP/1.1 keep-alive."
for target in "direct:$V1" "haproxy:$HAPROXY" "nginx:$NGINXPROXY" "canaria:$CANARIA" "kestrel:$KESTREL" "aot:$AOT"; do
  name="${target%%:*}"; port="${target##*:}"
  [[ " $TARGETS " == *" $name "* ]] || continue
  [ "$name" != direct ] && echo "  $name sends $(split "$port")/200 requests to v2 (expect ~20)"
  case "$name" in
    direct) pids=$(pgrep -P "${PIDS[0]}" | tr '\n' ' ') ;;
    haproxy) pids=$HAPROXY_PID ;;
    nginx) pids=$(pgrep -P "$NGINX_PROXY_MASTER" | tr '\n' ' ') ;;
    canaria) pids=$CANARIA_PID ;;
    kestrel) pids=$KESTREL_PID ;;
    aot) pids=$AOT_PID ;;
  esac
  # shellcheck disable=SC2086
  run_wrk "$port" "$name" $pids
  [ -f "$WORK/start-$name.txt" ] && awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$pids/status" > "$WORK/rss-$name.txt"
done

python3 - "$WORK" <<'PY'
import os, re, sys
work = sys.argv[1]
def ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
rows = {}
for name in ["direct", "haproxy", "nginx", "canaria", "kestrel", "aot"]:
    if not os.path.exists(f"{work}/wrk-{name}.txt"):
        continue
    out = open(f"{work}/wrk-{name}.txt").read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", out)
    total = max(int(re.search(r"(\d+) requests in", out).group(1)), 1)
    cpu = float(open(f"{work}/cpu-{name}.txt").read())
    cs = int(open(f"{work}/cs-{name}.txt").read())
    extra = ""
    if os.path.exists(f"{work}/start-{name}.txt"):
        extra = f"start {open(f'{work}/start-{name}.txt').read().strip()} ms, RSS {open(f'{work}/rss-{name}.txt').read().strip()} MiB "
    rows[name] = (rps, p50, p99, cpu * 1e6 / total, cs / total, extra + (errors.group(0) if errors else ""))
print(f"{'target':<9}{'req/s':>9}{'p50 ms':>8}{'p99 ms':>8}{'CPU us/req':>11}{'cs/req':>8}   {'vs HAProxy: req/s':>17}{'p99':>6}{'CPU':>6}  start, RSS, errors")
h = rows.get("haproxy")
for name, (rps, p50, p99, cpu, cs, errors) in rows.items():
    ratios = f"{rps / h[0]:>17.2f}{p99 / h[2]:>6.2f}{cpu / h[3]:>6.2f}" if h else ""
    print(f"{name:<9}{rps:>9.0f}{p50:>8.3f}{p99:>8.3f}{cpu:>11.1f}{cs:>8.2f}   {ratios}  {errors}")
print("(CPU and context switches of the proxy process; for direct: of the backend. Targets for canaria: req/s >= 0.90, p99 <= 1.50, CPU <= 1.25 x HAProxy.)")
PY
