#!/bin/bash
# KAFKA_FOO_BAR=x becomes foo.bar=x in server.properties (as in the official image), then the
# storage is formatted once and the broker runs in the foreground.
set -euo pipefail
props=/opt/kafka/server.properties
: > "$props"
for var in $(compgen -e | grep '^KAFKA_' | grep -v '^KAFKA_HEAP_OPTS$'); do
  key=$(echo "${var#KAFKA_}" | tr '[:upper:]' '[:lower:]' | tr '_' '.')
  echo "$key=${!var}" >> "$props"
done
grep -q '^log.dirs=' "$props" || echo "log.dirs=/var/lib/kafka/data" >> "$props"
cp=$(echo /opt/kafka/libs/*.jar | tr ' ' ':')
dir=$(grep '^log.dirs=' "$props" | cut -d= -f2)
if [ ! -f "$dir/meta.properties" ]; then
  java -cp "$cp" kafka.tools.StorageTool format -t "${CLUSTER_ID:-pms-compose-standin-01}" -c "$props" --ignore-formatted
fi
exec java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m} -cp "$cp" kafka.Kafka "$props"
