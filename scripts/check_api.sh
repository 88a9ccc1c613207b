#!/usr/bin/env bash
# Property-based API tests: schemathesis generates requests from the
# OpenAPI document at /api/v1/openapi.json and checks that the server never
# answers with a server error and that responses match the document.
# Usage: scripts/check_api.sh SAFER_BINARY
set -euo pipefail
safer="$1"
work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

"$safer" --data-dir "$work/data" demo --no-serve --out "$work/out/psa" --reports "$work/out" >"$work/demo.log" 2>&1
token="$("$safer" --data-dir "$work/data" token create --user demo-cso --name schemathesis --scopes read,write 2>/dev/null)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$safer" --data-dir "$work/data" serve --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 50); do
    curl -fs "http://127.0.0.1:$port/api/v1/openapi.json" >/dev/null 2>&1 && break
    sleep 0.2
done

st run "http://127.0.0.1:$port/api/v1/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples 25 \
    --request-timeout 20
