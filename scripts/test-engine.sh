#!/usr/bin/env bash
# The container engine the docker-api runtime's tests run against (docs/RECIPES.md, "Podman as the
# container engine"): Podman with runc, its Docker Engine API on /run/podman/podman.sock, and the
# test images built from the local busybox-static binary (no registry is reachable here).
# Idempotent: a second run only checks. Needs root (the test machine's user).
#   scripts/test-engine.sh          install, configure, start the API service, build the images
#   scripts/test-engine.sh --stop   stop the API service this script started
set -euo pipefail

SOCK=/run/podman/podman.sock
PIDFILE=/run/podman/akkube-service.pid
LOG=/run/podman/akkube-service.log

answers() { curl -sf --max-time 3 --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1; }

if [[ "${1:-}" == --stop ]]; then
  if [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then kill "$(cat "$PIDFILE")"; fi
  rm -f "$PIDFILE"
  exit 0
fi

if [[ $(id -u) != 0 ]]; then
  echo "test-engine: not root, the docker-api tests will be skipped" >&2
  exit 0
fi

missing=()
command -v podman >/dev/null || missing+=(podman)
command -v runc >/dev/null || missing+=(runc)
[[ -x /bin/busybox ]] || missing+=(busybox-static)
command -v curl >/dev/null || missing+=(curl)
if ((${#missing[@]})); then
  echo "test-engine: installing ${missing[*]}" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >&2
fi

# crun fails on this kernel (cgroups in hybrid mode): runc for every podman command and the service.
mkdir -p /etc/containers/containers.conf.d /etc/containers/registries.conf.d
conf=/etc/containers/containers.conf.d/50-akkube-runc.conf
[[ -f $conf ]] || printf '[engine]\nruntime = "runc"\n' >"$conf"
# Pulls never leave the machine: Docker Hub (where short names like "busybox" resolve) is blocked,
# so a pull fails at once instead of reaching out; other registries fail on the closed proxy.
reg=/etc/containers/registries.conf.d/50-akkube-offline.conf
[[ -f $reg ]] || printf '[[registry]]\nprefix = "docker.io"\nlocation = "docker.io"\nblocked = true\n' >"$reg"

if ! answers; then
  mkdir -p /run/podman
  echo "test-engine: starting podman system service on $SOCK" >&2
  HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 NO_PROXY=localhost,127.0.0.0/8 \
    setsid nohup podman --runtime runc system service --time=0 "unix://$SOCK" >"$LOG" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 50); do answers && break; sleep 0.2; done
  answers || { echo "test-engine: the podman service does not answer (see $LOG)" >&2; exit 0; }
fi

# Images: busybox:latest / busybox:1.32.0 (CMD sh) and nginx:1.17 (busybox httpd serving /www on 80).
build() { # name, dockerfile-like --change options...
  local name=$1
  shift
  podman image exists "docker.io/library/$name" && return 0
  local work
  work=$(mktemp -d)
  mkdir -p "$work/rootfs/bin" "$work/rootfs/tmp" "$work/rootfs/etc" "$work/rootfs/www" \
    "$work/rootfs/proc" "$work/rootfs/sys" "$work/rootfs/dev" "$work/rootfs/root"
  cp /bin/busybox "$work/rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [[ $applet == busybox ]] || ln -sf busybox "$work/rootfs/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$work/rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$work/rootfs/etc/group"
  cat >"$work/rootfs/www/index.html" <<'EOF'
<!DOCTYPE html>
<html><head><title>Welcome to nginx!</title></head>
<body><h1>Welcome to nginx!</h1><p>(busybox httpd standing in for nginx in akkube's tests)</p></body></html>
EOF
  tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
  podman import "$@" "$work/rootfs.tar" "docker.io/library/$name" >/dev/null
  rm -rf "$work"
  echo "test-engine: built image $name" >&2
}
build busybox:latest --change 'CMD ["sh"]' --change 'ENV PATH=/bin'
podman image exists docker.io/library/busybox:1.32.0 ||
  podman tag docker.io/library/busybox:latest docker.io/library/busybox:1.32.0
build nginx:1.17 --change 'CMD ["httpd", "-f", "-p", "80", "-h", "/www"]' \
  --change 'ENV PATH=/bin' --change 'EXPOSE 80'
