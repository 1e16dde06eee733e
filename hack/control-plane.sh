#!/usr/bin/env bash
# A real Kubernetes control plane for tests: etcd (Debian etcd-server) + kube-apiserver and
# kube-controller-manager v1.20.2 built from Debian's source package `kubernetes`. No kubelet,
# no scheduler: tests play the node (tests/Canaria.Kubernetes.Tests/Support/NodeSimulator.cs).
#
#   hack/control-plane.sh build          build (or reuse) the binaries in the cache dir
#   hack/control-plane.sh start <dir>    start etcd, kube-apiserver, kube-controller-manager;
#                                        writes <dir>/kubeconfig (token), <dir>/kubeconfig-client-cert,
#                                        <dir>/env (addresses, pids), logs in <dir>/logs/
#   hack/control-plane.sh stop <dir>     stop all three and wait until they have exited
#   hack/control-plane.sh status <dir>   print which components run (exit 1 if any is down)
#   hack/control-plane.sh stop-apiserver <dir>    stop only kube-apiserver (an API outage; etcd keeps the data)
#   hack/control-plane.sh start-apiserver <dir>   start it again on the same port and certificates; waits until ready
#
# PodTemplates bypass the apiserver's watch cache, so a test can compact etcd and watch from a
# compacted resourceVersion to get a real 410 Gone (the watch cache would still serve old versions).
# The cache dir is $CANARIA_K8S_CACHE or ~/.cache/canaria/k8s-1.20.2; binaries land in <cache>/bin.
# KCM_EXTRA_ARGS adds flags to kube-controller-manager (bench/scale uses --kube-api-qps for large fleets).
set -euo pipefail

K8S_VERSION=1.20.2
SELF="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
CACHE=${CANARIA_K8S_CACHE:-${HOME}/.cache/canaria/k8s-${K8S_VERSION}}
BIN=${CACHE}/bin
COMPONENTS=(kube-apiserver kube-controller-manager)

log() { echo "control-plane: $*" >&2; }
die() { echo "control-plane: ERROR: $*" >&2; exit 1; }

# Runs "$@" (its output goes to the log file) and prints what it is doing, the elapsed time and the log's
# last line every 20 s, so a long build is never silent. Returns the command's exit status.
with_progress() { # what logfile command...
  local what=$1 logfile=$2 t0=$SECONDS pid rc last
  shift 2
  "$@" >"$logfile" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$pid" 2>/dev/null || break
    last=$(tail -n 1 "$logfile" 2>/dev/null | cut -c1-80 || true)
    log "${what}: $((SECONDS - t0)) s elapsed${last:+ (last: ${last})}"
  done
  rc=0
  wait "$pid" || rc=$?
  log "${what}: done in $((SECONDS - t0)) s"
  return "$rc"
}

# Kubernetes 1.20 vendors modern-go/reflect2 1.0.1, which crashes the whole kube-apiserver (fatal error: fault in
# json-iterator's map encoder) under Go >= 1.18 the first time a custom resource is created. The build swaps in
# Debian's reflect2 1.0.2 (the upstream fix); binaries built without it are rebuilt.
REFLECT2_MARKER=reflect2-1.0.2

binaries_present() {
  local c
  for c in "${COMPONENTS[@]}"; do [ -x "${BIN}/${c}" ] || return 1; done
  [ -f "${BIN}/${REFLECT2_MARKER}" ]
}

patch_reflect2() { # tree
  ensure_packages golang-github-modern-go-reflect2-dev
  local src=/usr/share/gocode/src/github.com/modern-go/reflect2
  [ -f "$src/go_above_118.go" ] || die "golang-github-modern-go-reflect2-dev has no go_above_118.go (need reflect2 >= 1.0.2)"
  rm -rf "$1/vendor/github.com/modern-go/reflect2"
  mkdir -p "$1/vendor/github.com/modern-go/reflect2"
  cp "$src"/*.go "$src"/*.s "$1/vendor/github.com/modern-go/reflect2/"
  rm -f "$1/vendor/github.com/modern-go/reflect2/"*_test.go
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root to run: $* (not root and no sudo)"; fi
}

ensure_packages() {
  local missing="" p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  [ -z "$missing" ] && return 0
  log "installing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq || die "apt-get update failed"
  # shellcheck disable=SC2086
  as_root apt-get install -y -qq --no-install-recommends $missing >/dev/null || die "apt-get install$missing failed"
}

# deb-src entries mirroring the existing deb entries (deb822 .sources or one-line sources.list).
enable_deb_src() {
  if grep -rqsE '^(deb-src\s|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    return 0
  fi
  log "enabling deb-src entries"
  local d=/etc/apt/sources.list.d f tmp
  tmp=$(mktemp)
  for f in "$d"/*.sources; do
    [ -f "$f" ] || continue
    grep -qE '^URIs:.*debian' "$f" || continue
    sed -E 's/^Types:.*/Types: deb-src/' "$f" >>"$tmp"
    echo >>"$tmp"
  done
  if [ -s "$tmp" ]; then
    as_root install -m 0644 "$tmp" "$d/canaria-deb-src.sources"
  elif [ -f /etc/apt/sources.list ] && grep -qE '^deb\s' /etc/apt/sources.list; then
    grep -E '^deb\s' /etc/apt/sources.list | sed -E 's/^deb\s/deb-src /' >"$tmp"
    as_root install -m 0644 "$tmp" "$d/canaria-deb-src.list"
  else
    rm -f "$tmp"; die "found no Debian apt source to derive a deb-src entry from"
  fi
  rm -f "$tmp"
  as_root apt-get update -qq || die "apt-get update (after enabling deb-src) failed"
}

cmd_build() {
  ensure_packages etcd-server openssl curl
  if binaries_present; then
    log "reusing cached binaries in ${BIN}: $("${BIN}/kube-apiserver" --version 2>&1 | head -n1)"
    return 0
  fi
  local t0=$SECONDS
  ensure_packages golang-go rsync make dpkg-dev
  enable_deb_src
  mkdir -p "${CACHE}/src"
  local tree
  tree=$(find "${CACHE}/src" -maxdepth 1 -mindepth 1 -type d -name 'kubernetes-*' | head -n1)
  if [ -z "$tree" ]; then
    log "downloading the source package 'kubernetes' into ${CACHE}/src"
    with_progress "downloading and unpacking the source package" "${CACHE}/src/apt-source.log" \
        bash -c 'cd "$1" && apt-get source -qq kubernetes' _ "${CACHE}/src" ||
      { tail -n 20 "${CACHE}/src/apt-source.log" >&2; die "apt-get source kubernetes failed (see ${CACHE}/src/apt-source.log)"; }
    tree=$(find "${CACHE}/src" -maxdepth 1 -mindepth 1 -type d -name 'kubernetes-*' | head -n1)
    [ -n "$tree" ] || die "apt-get source kubernetes unpacked no kubernetes-* directory"
  fi
  local version
  version=$(sed -n 's/^kubernetes (\([^)]*\)).*/\1/p;q' "$tree/debian/changelog" 2>/dev/null || true)
  patch_reflect2 "$tree"
  log "building kube-apiserver and kube-controller-manager from ${tree} (Debian ${version:-?}); this takes minutes"
  mkdir -p "${CACHE}/go-cache" "${CACHE}/gopath"
  local buildlog=${CACHE}/build.log
  if ! with_progress "building kube-apiserver and kube-controller-manager" "$buildlog" \
        env -C "$tree" GOCACHE="${CACHE}/go-cache" GOPATH="${CACHE}/gopath" GOFLAGS=-mod=vendor GOPROXY=off GO111MODULE=on \
          KUBE_GIT_VERSION="v${K8S_VERSION}" KUBE_GIT_TREE_STATE=clean \
          make WHAT="cmd/kube-apiserver cmd/kube-controller-manager"; then
    tail -n 40 "$buildlog" >&2
    die "make failed (full log: $buildlog)"
  fi
  mkdir -p "$BIN"
  local c out
  for c in "${COMPONENTS[@]}"; do
    out=$(find "$tree/_output" -type f -name "$c" -perm -u+x | head -n1)
    [ -n "$out" ] || die "make succeeded but produced no $c under $tree/_output"
    install -m 0755 "$out" "${BIN}/${c}.tmp" && mv "${BIN}/${c}.tmp" "${BIN}/${c}"
  done
  touch "${BIN}/${REFLECT2_MARKER}"
  log "built in $((SECONDS - t0)) s: $("${BIN}/kube-apiserver" --version 2>&1 | head -n1)"
}

# A port nobody uses, below the kernel's ephemeral range (ports there are handed out to outgoing
# connections at any moment). Races stay possible, so starts retry on "address already in use".
free_port() {
  local low=32768 p i
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  [ "$low" -gt 11000 ] || low=32768
  for i in $(seq 1 200); do
    p=$((10000 + RANDOM % (low - 10000)))
    if command -v ss >/dev/null && [ -n "$(ss -Htan "( sport = :$p )" 2>/dev/null)" ]; then continue; fi
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  die "found no free port"
}

wait_ready() { # url token pid name seconds
  local url=$1 token=$2 pid=$3 name=$4 deadline=$((SECONDS + $5))
  while [ $SECONDS -lt $deadline ]; do
    kill -0 "$pid" 2>/dev/null || return 2
    if [ -n "$token" ]; then
      curl -fsk -m 2 -H "Authorization: Bearer $token" "$url" >/dev/null 2>&1 && return 0
    else
      curl -fs -m 2 "$url" >/dev/null 2>&1 && return 0
    fi
    sleep 0.2
  done
  return 1
}

fail_start() { # dir component message
  local dir=$1 c=$2
  echo "---- last lines of $dir/logs/$c.log" >&2
  tail -n 30 "$dir/logs/$c.log" >&2 || true
  cmd_stop "$dir" >/dev/null 2>&1 || true
  die "$3"
}

# Starts kube-apiserver in the background (log appended to <dir>/logs/kube-apiserver.log); sets api_pid.
# The serving certificate is generated into <dir>/pki on the first start and reused by later starts.
launch_apiserver() { # dir etcd_port api_port
  local dir=$1
  "${BIN}/kube-apiserver" --etcd-servers="http://127.0.0.1:$2" \
    --secure-port="$3" --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --insecure-port=0 \
    --cert-dir="$dir/pki" --token-auth-file="$dir/pki/tokens.csv" --client-ca-file="$dir/pki/client-ca.crt" \
    --authorization-mode=RBAC \
    --service-account-key-file="$dir/pki/sa.key" --service-account-signing-key-file="$dir/pki/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc --service-cluster-ip-range=10.96.0.0/16 \
    --watch-cache-sizes='podtemplates#0' \
    >>"$dir/logs/kube-apiserver.log" 2>&1 </dev/null &
  api_pid=$!
}

cmd_start() {
  local dir=${1:?usage: control-plane.sh start <dir>}
  command -v etcd >/dev/null || die "etcd not found (install Debian etcd-server, or run: control-plane.sh build)"
  binaries_present || die "no binaries in ${BIN}; run: hack/control-plane.sh build"
  mkdir -p "$dir/logs" "$dir/pki"
  dir=$(cd "$dir" && pwd)
  [ -f "$dir/env" ] && cmd_status "$dir" >/dev/null 2>&1 && die "a control plane already runs in $dir"
  local t0=$SECONDS
  openssl genrsa -out "$dir/pki/sa.key" 2048 2>/dev/null || die "openssl genrsa failed"
  chmod 600 "$dir/pki/sa.key"
  local token
  token=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
  (umask 077; echo "${token},admin,admin,system:masters" >"$dir/pki/tokens.csv")
  # A client CA and an admin client certificate, for client-certificate auth (<dir>/kubeconfig-client-cert).
  printf 'extendedKeyUsage=clientAuth\n' >"$dir/pki/client.ext"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=canaria-test-client-ca" \
      -keyout "$dir/pki/client-ca.key" -out "$dir/pki/client-ca.crt" >/dev/null 2>&1 &&
    openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=admin-cert" \
      -keyout "$dir/pki/admin-cert.key" -out "$dir/pki/admin-cert.csr" >/dev/null 2>&1 &&
    openssl x509 -req -days 30 -in "$dir/pki/admin-cert.csr" -CA "$dir/pki/client-ca.crt" -CAkey "$dir/pki/client-ca.key" \
      -CAcreateserial -extfile "$dir/pki/client.ext" -out "$dir/pki/admin-cert.crt" >/dev/null 2>&1 ||
    die "openssl failed to create the client certificates"
  chmod 600 "$dir/pki/"*.key

  local etcd_port etcd_peer api_port etcd_pid api_pid attempt rc
  for attempt in 1 2 3 4 5; do
    etcd_port=$(free_port); etcd_peer=$(free_port)
    rm -rf "$dir/etcd" && mkdir -p "$dir/etcd"
    etcd --name canaria --data-dir "$dir/etcd" \
      --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
      --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
      --initial-cluster "canaria=http://127.0.0.1:$etcd_peer" \
      >"$dir/logs/etcd.log" 2>&1 </dev/null &
    etcd_pid=$!
    echo "ETCD_PID=$etcd_pid" >"$dir/env"
    rc=0
    wait_ready "http://127.0.0.1:$etcd_port/health" "" "$etcd_pid" etcd 30 || rc=$?
    [ $rc -eq 0 ] && break
    if [ $rc -eq 2 ] && grep -q "address already in use" "$dir/logs/etcd.log" && [ $attempt -lt 5 ]; then
      log "etcd: port taken, retrying with other ports"; continue
    fi
    fail_start "$dir" etcd "etcd did not become healthy on 127.0.0.1:$etcd_port"
  done

  for attempt in 1 2 3 4 5; do
    api_port=$(free_port)
    : >"$dir/logs/kube-apiserver.log"
    launch_apiserver "$dir" "$etcd_port" "$api_port"
    printf 'ETCD_PID=%s\nAPISERVER_PID=%s\n' "$etcd_pid" "$api_pid" >"$dir/env"
    rc=0
    wait_ready "https://127.0.0.1:$api_port/readyz" "$token" "$api_pid" kube-apiserver 90 || rc=$?
    [ $rc -eq 0 ] && break
    if [ $rc -eq 2 ] && grep -q "address already in use" "$dir/logs/kube-apiserver.log" && [ $attempt -lt 5 ]; then
      log "kube-apiserver: port taken, retrying with another port"; continue
    fi
    fail_start "$dir" kube-apiserver "kube-apiserver did not become ready on 127.0.0.1:$api_port (rc $rc)"
  done

  # The serving cert is signed by a CA generated next to it; the CA is the chain's last certificate.
  awk '/BEGIN CERTIFICATE/{n++; buf=""} {buf=buf $0 "\n"} /END CERTIFICATE/{last=buf} END{printf "%s", last}' \
    "$dir/pki/apiserver.crt" >"$dir/pki/ca.crt"
  [ -s "$dir/pki/ca.crt" ] || fail_start "$dir" kube-apiserver "no CA certificate found in $dir/pki/apiserver.crt"
  local ca_data
  ca_data=$(base64 -w0 <"$dir/pki/ca.crt")
  (umask 077; cat >"$dir/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: canaria-test
  cluster:
    server: https://127.0.0.1:$api_port
    certificate-authority-data: $ca_data
users:
- name: admin
  user:
    token: $token
contexts:
- name: canaria-test
  context:
    cluster: canaria-test
    user: admin
    namespace: default
current-context: canaria-test
EOF
  )

  # The same cluster with client-certificate auth, by relative file paths (as kubectl writes them).
  (umask 077; cat >"$dir/kubeconfig-client-cert" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: canaria-test
  cluster:
    server: https://127.0.0.1:$api_port
    certificate-authority: pki/ca.crt
users:
- name: admin-cert
  user:
    client-certificate: pki/admin-cert.crt
    client-key: pki/admin-cert.key
contexts:
- name: canaria-test-cert
  context:
    cluster: canaria-test
    user: admin-cert
current-context: canaria-test-cert
EOF
  )

  "${BIN}/kube-controller-manager" --kubeconfig="$dir/kubeconfig" \
    --service-account-private-key-file="$dir/pki/sa.key" --root-ca-file="$dir/pki/ca.crt" \
    --leader-elect=false --secure-port=0 --port=0 ${KCM_EXTRA_ARGS:-} \
    --controllers='*,-nodeipam,-nodelifecycle,-cloud-node-lifecycle,-service,-route' \
    >"$dir/logs/kube-controller-manager.log" 2>&1 </dev/null &
  local kcm_pid=$!
  sleep 0.5
  kill -0 "$kcm_pid" 2>/dev/null || fail_start "$dir" kube-controller-manager "kube-controller-manager exited at start"

  cat >"$dir/env" <<EOF
ETCD_PID=$etcd_pid
ETCD_URL=http://127.0.0.1:$etcd_port
APISERVER_PID=$api_pid
APISERVER_URL=https://127.0.0.1:$api_port
CONTROLLER_MANAGER_PID=$kcm_pid
KUBECONFIG=$dir/kubeconfig
EOF
  # With CANARIA_OWNER_PID set (the test fixture sets it), a watchdog stops everything once that
  # process is gone, so a killed test run leaves no etcd/apiserver behind.
  if [ -n "${CANARIA_OWNER_PID:-}" ]; then
    (
      trap '' HUP
      while kill -0 "$CANARIA_OWNER_PID" 2>/dev/null; do sleep 1; done
      bash "$SELF" stop "$dir"
    ) >>"$dir/logs/watchdog.log" 2>&1 </dev/null &
    echo "WATCHDOG_PID=$!" >>"$dir/env"
  fi
  log "started in $((SECONDS - t0)) s: apiserver https://127.0.0.1:$api_port, etcd 127.0.0.1:$etcd_port; kubeconfig $dir/kubeconfig"
}

read_pids() { # dir -> "name pid" lines
  [ -f "$1/env" ] || return 0
  sed -n 's/^\(CONTROLLER_MANAGER\|APISERVER\|ETCD\)_PID=\([0-9]*\)$/\1 \2/p' "$1/env" | tac
}

# Is pid still the process we started (and not an unrelated one that reused the number)?
is_ours() { # pid pattern
  [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -q -- "$2"
}

pattern_of() { # env name -> command-line pattern
  case "$1" in ETCD) echo "etcd --name canaria" ;; APISERVER) echo kube-apiserver ;;
    CONTROLLER_MANAGER) echo kube-controller-manager ;; *) echo control-plane.sh ;; esac
}

cmd_stop() {
  local dir=${1:?usage: control-plane.sh stop <dir>} name pid i
  [ -f "$dir/env" ] || { log "nothing to stop in $dir (no env file)"; return 0; }
  pid=$(sed -n 's/^WATCHDOG_PID=\([0-9]*\)$/\1/p' "$dir/env")
  if [ -n "$pid" ] && [ "$pid" != "$PPID" ] && is_ours "$pid" control-plane.sh; then kill -TERM "$pid" 2>/dev/null || true; fi
  while read -r name pid; do
    [ -n "$pid" ] || continue
    is_ours "$pid" "$(pattern_of "$name")" || continue
    kill -TERM "$pid" 2>/dev/null || continue
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then log "$name ($pid) ignored SIGTERM for 10 s; killing"; kill -KILL "$pid" 2>/dev/null || true; fi
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && die "$name ($pid) did not exit"
  done < <(read_pids "$dir")
  log "stopped ($dir)"
}

env_value() { # dir key
  sed -n "s/^$2=//p" "$1/env" | tail -n1
}

# Stops only kube-apiserver (etcd and kube-controller-manager keep running): an API outage for clients.
cmd_stop_apiserver() {
  local dir=${1:?usage: control-plane.sh stop-apiserver <dir>} pid i
  [ -f "$dir/env" ] || die "no control plane in $dir (no env file)"
  pid=$(env_value "$dir" APISERVER_PID)
  is_ours "$pid" kube-apiserver || die "kube-apiserver (pid ${pid:-?}) does not run in $dir"
  kill -TERM "$pid"
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then log "kube-apiserver ($pid) ignored SIGTERM for 10 s; killing"; kill -KILL "$pid" 2>/dev/null || true; fi
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && die "kube-apiserver ($pid) did not exit"
  log "kube-apiserver stopped ($dir)"
}

# Starts kube-apiserver again on the same port, etcd, certificates and tokens, and waits until it is ready.
cmd_start_apiserver() {
  local dir=${1:?usage: control-plane.sh start-apiserver <dir>} url etcd_url api_port etcd_port token rc=0
  [ -f "$dir/env" ] || die "no control plane in $dir (no env file)"
  dir=$(cd "$dir" && pwd)
  is_ours "$(env_value "$dir" APISERVER_PID)" kube-apiserver && die "kube-apiserver already runs in $dir"
  url=$(env_value "$dir" APISERVER_URL); etcd_url=$(env_value "$dir" ETCD_URL)
  api_port=${url##*:}; etcd_port=${etcd_url##*:}
  [ -n "$api_port" ] && [ -n "$etcd_port" ] || die "no APISERVER_URL/ETCD_URL in $dir/env"
  token=$(cut -d, -f1 "$dir/pki/tokens.csv")
  echo "---- restarted $(date -u +%FT%TZ)" >>"$dir/logs/kube-apiserver.log"
  launch_apiserver "$dir" "$etcd_port" "$api_port"
  sed -i "s/^APISERVER_PID=.*/APISERVER_PID=$api_pid/" "$dir/env"
  wait_ready "https://127.0.0.1:$api_port/readyz" "$token" "$api_pid" kube-apiserver 90 || rc=$?
  if [ $rc -ne 0 ]; then
    tail -n 30 "$dir/logs/kube-apiserver.log" >&2
    die "kube-apiserver did not become ready again on 127.0.0.1:$api_port (rc $rc)"
  fi
  log "kube-apiserver started again on https://127.0.0.1:$api_port ($dir)"
}

cmd_status() {
  local dir=${1:?usage: control-plane.sh status <dir>} name pid down=0
  [ -f "$dir/env" ] || { echo "not started in $dir"; return 1; }
  while read -r name pid; do
    if is_ours "$pid" "$(pattern_of "$name")"; then echo "$name running (pid $pid)"; else echo "$name down (pid $pid)"; down=1; fi
  done < <(read_pids "$dir")
  grep -E '_URL=|KUBECONFIG=' "$dir/env" || true
  return $down
}

case "${1:-}" in
  build) cmd_build ;;
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  status) shift; cmd_status "$@" ;;
  stop-apiserver) shift; cmd_stop_apiserver "$@" ;;
  start-apiserver) shift; cmd_start_apiserver "$@" ;;
  *) echo "usage: $0 build | start <dir> | stop <dir> | status <dir> | stop-apiserver <dir> | start-apiserver <dir>" >&2; exit 2 ;;
esac
