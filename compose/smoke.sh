#!/usr/bin/env bash
# npm run compose:smoke: build and start compose.yaml, wait until every container is healthy, run
# the end-to-end journey (packages/e2e/test/journey.test.ts) against its gateway, tear it down.
# Uses Docker when an engine answers, else Podman through docker-compose and `podman system
# service` (podman 4 runs health checks from systemd timers, so this script runs them itself).
# Without access to an image registry, build the base images first: compose/standins/build.sh.
# Not part of CI (several minutes); the README says when it last ran green.
set -euo pipefail
cd "$(dirname "$0")/.."
project=pms-smoke
started=$(date +%s)
log() { echo "[compose:smoke $(($(date +%s) - started))s] $*"; }

for port in 4004 8025; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is in use (npm start running?): compose publishes the gateway on 4004 and Mailpit on 8025" >&2
    exit 1
  fi
done

helpers=()
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  engine=docker
  compose=(docker compose)
else
  engine=podman
  command -v podman >/dev/null || { echo "compose:smoke needs Docker or Podman" >&2; exit 1; }
  socket="/tmp/pms-smoke-podman-$$.sock"
  # Without systemd, podman logs an error for every health check it cannot schedule: filtered.
  podman system service --time=0 "unix://$socket" 2> >(grep -v 'systemd connection' >&2) &
  helpers+=($!)
  export DOCKER_HOST="unix://$socket" DOCKER_BUILDKIT=0
  compose=("${DOCKER_COMPOSE:-docker-compose}")
  for _ in $(seq 50); do [ -S "$socket" ] && break; sleep 0.2; done
  # The health checks systemd would run.
  (while true; do
    for id in $(podman ps -q --filter "label=com.docker.compose.project=$project"); do
      podman healthcheck run "$id" >/dev/null 2>&1 || true
    done
    sleep 3
  done) &
  helpers+=($!)
fi
dc() { "${compose[@]}" -p "$project" -f compose.yaml "$@"; }

cleanup() {
  log "tearing down"
  dc down --volumes --remove-orphans >/dev/null 2>&1 || true
  for pid in "${helpers[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

log "building the images ($engine)"
# One at a time: the later images reuse the layers the first one built (dependencies, contracts,
# platform) instead of eight parallel npm installs on the same cores.
for service in $(dc config --services); do dc build "$service"; done
log "starting"
dc up --detach
log "waiting until every container is healthy"
deadline=$(($(date +%s) + ${SMOKE_HEALTHY_TIMEOUT:-300}))
while true; do
  states=$(for id in $(dc ps --all --quiet); do $engine inspect --format '{{.Name}}={{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id"; done)
  if ! grep -qv '=healthy$' <<<"$states"; then break; fi
  if grep -qE '=(exited|dead|unhealthy)$' <<<"$states" || [ "$(date +%s)" -gt "$deadline" ]; then
    echo "$states" >&2
    dc logs --tail 50 >&2 || true
    exit 1
  fi
  sleep 2
done
log "all $(wc -l <<<"$states") containers healthy:" $states
log "running the end-to-end journey against http://127.0.0.1:4004"
# From the package folder: vitest resolves --config against its root.
(cd packages/e2e && PMS_GATEWAY_URL=http://127.0.0.1:4004 PMS_SMTP_API_URL=http://127.0.0.1:8025 \
  npx vitest run --config vitest.compose-smoke.config.ts)
log "green"
