# Shared by run.sh and protocols.sh (sourced): what a proxy process costs, read from /proc.

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

# Publishes the stand-alone gateway (GatewayBench) into $1: ReadyToRun by default, PUBLISH=jit for a plain JIT build.
publish_gateway() {
  if [ "${PUBLISH:-r2r}" = r2r ]; then
    dotnet publish -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true "$HERE/GatewayBench" -o "$1" -v quiet -nologo >/dev/null
  else
    dotnet build -c Release "$HERE/GatewayBench" -o "$1" -v quiet -nologo >/dev/null
  fi
}
