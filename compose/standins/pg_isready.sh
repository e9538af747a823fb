#!/bin/bash
# Stand-in for pg_isready: the server accepts TCP connections on 5432.
exec 3<>/dev/tcp/127.0.0.1/5432
