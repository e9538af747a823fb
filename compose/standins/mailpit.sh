#!/bin/bash
if [ "${1:-}" = readyz ]; then
  exec node -e "fetch('http://127.0.0.1:8025/api/v1/messages').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
fi
exec node /sink/run.mjs
