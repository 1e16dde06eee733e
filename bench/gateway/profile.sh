#!/usr/bin/env bash
# Profiles the Canaria gateway under wrk load with perf (JIT symbols via DOTNET_PerfMapEnabled).
# Same layout as run.sh: gateway on core ${PROXY_CPU}, wrk + nginx backend on core ${LOAD_CPU}.
# Usage: bench/gateway/profile.sh [seconds]   -> prints the top self-time symbols and a module summary.
set -euo pipefail
DURATION="${1:-8}"
PROXY_CPU="${PROXY_CPU:-1}"; LOAD_CPU="${LOAD_CPU:-0}"
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d /tmp/canaria-prof.XXXXXX)"
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
V1=18181; V2=18182; CANARIA=18192
mkdir -p "$WORK/nginx-backend"
sed -e "s#@WORK@#$WORK/nginx-backend#g" -e "s#@V1@#$V1#g" -e "s#@V2@#$V2#g" "$HERE/nginx-backend.conf" > "$WORK/nginx-backend/nginx.conf"
taskset -c "$LOAD_CPU" nginx -c "$WORK/nginx-backend/nginx.conf" -p "$WORK/nginx-backend" & PIDS+=($!)
dotnet build -c Release "$HERE/GatewayBench" -v quiet -nologo >/dev/null
sed -e "s#@PORT@#$CANARIA#g" -e "s#@V1@#$V1#g" -e "s#@V2@#$V2#g" "$HERE/gateway.yaml" > "$WORK/gateway.yaml"
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 DOTNET_gcServer=0 DOTNET_GCgen0size="${GEN0SIZE:-0x2000000}" \
  taskset -c "$PROXY_CPU" dotnet "$HERE/GatewayBench/bin/Release/net10.0/GatewayBench.dll" "$WORK/gateway.yaml" & GW=$!; PIDS+=($GW)
for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$CANARIA/" && break; sleep 0.1; done
taskset -c "$LOAD_CPU" wrk -t1 -c50 -d5s "http://127.0.0.1:$CANARIA/" >/dev/null
taskset -c "$LOAD_CPU" wrk -t1 -c50 -d"$((DURATION + 2))s" "http://127.0.0.1:$CANARIA/" > "$WORK/wrk.txt" &
WRK=$!
perf record -F 999 -g -p "$GW" -o "$WORK/perf.data" -- sleep "$DURATION" 2>/dev/null >/dev/null
wait "$WRK"
grep "Requests/sec" "$WORK/wrk.txt"
echo "--- self time by module ---"
perf report -i "$WORK/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -v "^#" | grep -v "^$" | head -12 || true
echo "--- top symbols (self) ---"
perf report -i "$WORK/perf.data" --no-children --sort sym --stdio -g none 2>/dev/null | grep -v "^#" | grep -v "^$" | head -${TOP:-45} || true
echo "--- self time grouped by assembly (JIT frames by their [Assembly]) ---"
perf report -i "$WORK/perf.data" --no-children --sort dso,sym --stdio -g none 2>/dev/null > "$WORK/report.txt" || true
python3 "$HERE/perf_groups.py" "$WORK/report.txt"
