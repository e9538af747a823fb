#!/bin/bash
# What compose.yaml's health check calls: answers only when the broker does.
exec java -cp "$(echo /opt/kafka/libs/*.jar | tr ' ' ':')" kafka.admin.BrokerApiVersionsCommand "$@"
