#!/usr/bin/env bash
# The Kubernetes scale benchmark (by hand, not a test): a real control plane (hack/control-plane.sh), `canaria controller`
# as its own process, COUNT Rollouts each with its Deployment and Service, pods played Ready by the tests' NodeSimulator.
#
#   bench/scale/run.sh [COUNT]                  build the CLI and the driver (Release), run, print the table
#   CANARIA_DLL=/path/canaria.dll bench/scale/run.sh 1000   measure another build of the controller (e.g. a baseline)
#
# More knobs (SCALE_PHASES, SCALE_BATCHES, CANARIA_DLL_B, CONTROLLER_ARGS, KCM_EXTRA_ARGS): bench/scale/README.md.
# Results and logs land in $OUT (default /tmp/canaria-scale-<time>); the table is also in $OUT/results.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT=${1:-1000}
OUT=${OUT:-/tmp/canaria-scale-$(date -u +%H%M%S)}
mkdir -p "$OUT/bin"
if [ -z "${CANARIA_DLL:-}" ]; then
  echo "== building canaria (Release)" >&2
  dotnet build src/Canaria.Cli/Canaria.Cli.csproj -c Release -o "$OUT/bin/cli" -v q -nologo >&2
  CANARIA_DLL=$OUT/bin/cli/canaria.dll
fi
[ -f "$CANARIA_DLL" ] || { echo "no $CANARIA_DLL" >&2; exit 1; }
echo "== building the driver (Release)" >&2
dotnet build bench/scale/ScaleBench/ScaleBench.csproj -c Release -o "$OUT/bin/bench" -v q -nologo >&2
echo "== control plane in $OUT/cp" >&2
trap 'bash hack/control-plane.sh stop "$OUT/cp" >&2 || true' EXIT
bash hack/control-plane.sh start "$OUT/cp" >&2
echo "== $COUNT Rollouts (controller logs in $OUT)" >&2
dotnet "$OUT/bin/bench/ScaleBench.dll" "$OUT/cp/kubeconfig" "$CANARIA_DLL" "$COUNT" "$OUT" | tee "$OUT/results.md"
