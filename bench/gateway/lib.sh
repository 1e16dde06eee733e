# Shared by run.sh and protocols.sh (sourced): a scratch directory, what a proxy process costs (read from /proc),
# and the gateway build.

# Sets WORK (a fresh directory under /tmp named $1.XXXXXX) and PIDS; on exit every process in PIDS is stopped and
# WORK removed.
start_workdir() {
  WORK="$(mktemp -d "/tmp/$1.XXXXXX")"
  PIDS=()
  trap cleanup EXIT
}
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}

# CPU seconds (user+system, all threads) processes have used: a noise-robust cost per request,
# since other work on a shared machine changes throughput but hardly the CPU each request costs.
cpu_seconds() {
  local ticks=0
  for pid in "$@"; do ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
  echo "$ticks $(getconf CLK_TCK)" | awk '{printf "%.3f", $1 / $2}'
}

# Context switches (voluntary + involuntary, all threads) processes have made: each one is a trip through the scheduler.
context_switches() {
  local total=0
  for pid in "$@"; do
    for status in /proc/"$pid"/task/*/status; do
      total=$((total + $(awk '/^(non)?voluntary_ctxt_switches/ {s += $2} END {print s + 0}' "$status" 2>/dev/null || echo 0)))
    done
  done
  echo "$total"
}

# Publishes the stand-alone gateway (GatewayBench) into $1 and sets GATEWAY to the command that runs it: ReadyToRun by
# default, PUBLISH=jit for a plain JIT build; R2R_BUILD=DIR reuses a ReadyToRun build published before.
publish_gateway() {
  if [ -n "${R2R_BUILD:-}" ]; then GATEWAY=(dotnet "$R2R_BUILD/GatewayBench.dll"); return; fi # a ReadyToRun build published before
  case "${PUBLISH:-r2r}" in
    r2r) dotnet publish -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true "$HERE/GatewayBench" -o "$1" -v quiet -nologo >/dev/null
         GATEWAY=(dotnet "$1/GatewayBench.dll") ;;
    *)   dotnet build -c Release "$HERE/GatewayBench" -o "$1" -v quiet -nologo >/dev/null
         GATEWAY=(dotnet "$1/GatewayBench.dll") ;;
  esac
}

# Sets GATEWAY_AOT to the Native AOT gateway the local platform runs, canaria-gateway (src/Canaria.Gateway.Host: optimized
# for speed and for x86-64-v3, see its project file), serving a config file: $AOT_BUILD (a folder holding a canaria-gateway
# built before, e.g. src/Canaria.Cli/bin/Debug/net10.0 after a `dotnet build`) when given, else a Release publish into $1
# (needs clang; a few minutes).
publish_gateway_aot() {
  local dir="${AOT_BUILD:-$1}"
  if [ -z "${AOT_BUILD:-}" ]; then
    command -v clang >/dev/null || { echo "Native AOT needs clang (apt-get install clang)" >&2; exit 1; }
    dotnet publish -c Release "$ROOT/src/Canaria.Gateway.Host" -o "$dir" -v quiet -nologo >/dev/null
  fi
  [ -x "$dir/canaria-gateway" ] || { echo "no canaria-gateway in $dir" >&2; exit 1; }
  GATEWAY_AOT=("$dir/canaria-gateway" --config)
}
