#!/usr/bin/env bash
# Profiles the gateway's HTTP/2 path under unary gRPC load with perf (run by hand), as protocols.sh loads it: ProtocolBench
# grpc (4 h2c connections x 8 calls in flight) -> the gateway's `protocols: http2` listener -> two .NET gRPC backends, 90/10.
# BUILD=r2r (default): the ReadyToRun GatewayBench, JIT symbols via DOTNET_PerfMapEnabled. BUILD=aot: the Native AOT
# canaria-gateway, published with its symbols kept (StripSymbols=false) so perf names every managed frame.
# Same environment and CPU budget as protocols.sh (gateway on core PROXY_CPU; extra variables pass through, e.g.
# DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0). Warms up WARMUP_SECONDS first (the ReadyToRun build needs 40 s+ for tier 1).
# Usage: BUILD=aot bench/gateway/profile-grpc.sh [seconds]  -> calls/s, CPU us per call, self time by module, top symbols,
# self time by assembly.
set -euo pipefail
DURATION="${1:-10}"
WARMUP_SECONDS="${WARMUP_SECONDS:-45}"
PROXY_CPU="${PROXY_CPU:-1}"; LOAD_CPU="${LOAD_CPU:-0}"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
start_workdir canaria-prof-grpc
V1GRPC=18381; V1WS=18382; V2GRPC=18383; V2WS=18384; CANARIA_GRPC=18392; CANARIA_WS=18393

dotnet build -c Release "$HERE/ProtocolBench" -o "$WORK/pb" -v quiet -nologo >/dev/null
PB="$WORK/pb/ProtocolBench.dll"
if [ "${BUILD:-r2r}" = aot ]; then
  if [ -z "${AOT_BUILD:-}" ]; then
    dotnet publish -c Release "$ROOT/src/Canaria.Gateway.Host" -o "$WORK/gw-aot" -p:StripSymbols=false -v quiet -nologo >/dev/null
  fi
  publish_gateway_aot "$WORK/gw-aot"; GATEWAY=("${GATEWAY_AOT[@]}")
else
  publish_gateway "$WORK/gw"
fi

taskset -c "$LOAD_CPU" dotnet "$PB" backend v1 "$V1GRPC" "$V1WS" & PIDS+=($!)
taskset -c "$LOAD_CPU" dotnet "$PB" backend v2 "$V2GRPC" "$V2WS" & PIDS+=($!)
sed -e "s#@V1GRPC@#$V1GRPC#g" -e "s#@V1WS@#$V1WS#g" -e "s#@V2GRPC@#$V2GRPC#g" -e "s#@V2WS@#$V2WS#g" \
  -e "s#@GRPC@#$CANARIA_GRPC#g" -e "s#@WS@#$CANARIA_WS#g" "$HERE/gateway-protocols.yaml" > "$WORK/gateway.yaml"
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 \
  DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS="${DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS:-1}" \
  DOTNET_ThreadPool_UnfairSemaphoreSpinLimit="${DOTNET_ThreadPool_UnfairSemaphoreSpinLimit:-0}" DOTNET_gcServer=0 \
  DOTNET_GCgen0size="${GEN0SIZE:-0x2000000}" taskset -c "$PROXY_CPU" "${GATEWAY[@]}" "$WORK/gateway.yaml" & GW=$!; PIDS+=($GW)
for port in $V1WS $V2WS $CANARIA_WS; do
  for _ in $(seq 1 150); do curl -sS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null && break; sleep 0.1; done
done

taskset -c "$LOAD_CPU" dotnet "$PB" grpc "http://127.0.0.1:$CANARIA_GRPC" 4 8 "$WARMUP_SECONDS" >/dev/null
before=$(cpu_seconds "$GW"); switches=$(context_switches "$GW")
taskset -c "$LOAD_CPU" dotnet "$PB" grpc "http://127.0.0.1:$CANARIA_GRPC" 4 8 "$((DURATION + 2))" > "$WORK/load.txt" &
LOAD=$!
perf record -F 999 -g -p "$GW" -o "$WORK/perf.data" -- sleep "$DURATION" 2>/dev/null >/dev/null
wait "$LOAD"
calls=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' "$WORK/load.txt")
echo "$(cat "$WORK/load.txt")"
echo "gateway: $(echo "$before $(cpu_seconds "$GW") $calls" | awk '{printf "%.1f", ($2 - $1) * 1e6 / $3}') CPU us/call (perf's share included)," \
  "$(echo "$(( $(context_switches "$GW") - switches )) $calls" | awk '{printf "%.2f", $1 / $2}') context switches/call; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "--- self time by module ---"
perf report -i "$WORK/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -v "^#" | grep -v "^$" | head -12 || true
echo "--- top symbols (self) ---"
perf report -i "$WORK/perf.data" --no-children --sort sym --stdio -g none 2>/dev/null | grep -v "^#" | grep -v "^$" | head -"${TOP:-45}" || true
echo "--- self time grouped by assembly ---"
perf report -i "$WORK/perf.data" --no-children --sort dso,sym --stdio -g none 2>/dev/null > "$WORK/report.txt" || true
python3 "$HERE/perf_groups.py" "$WORK/report.txt" 22
if [ -n "${KEEP_PERF:-}" ]; then cp "$WORK/perf.data" "$KEEP_PERF"; cp "$WORK/report.txt" "$KEEP_PERF.txt"; fi
