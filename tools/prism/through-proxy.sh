#!/usr/bin/env bash
# Runs a command against lightfield-mock seen through a Prism proxy loaded with the
# reference (spec/reference/lightfield-api-newer.json, made enforceable by prepare.js).
#
#   tools/prism/through-proxy.sh <command> [args...]
#
# The command gets LIGHTFIELD_BASE_URL (the proxy) and LIGHTFIELD_API_KEY. With --errors,
# Prism answers 422 to a request the reference refuses and 500 to an answer of the mock it
# does not allow (an extra key included: prepare.js closes the reference's objects), so
# the command sees the violation as a failed call. Error answers are held to the public
# reference's error bodies. Afterwards Prism's log is searched as well: any violation it
# logged, and any status the references do not describe, fails this script, with the lines.
# Needs the mock built (target/debug/lightfield-mock, under CARGO_TARGET_DIR when set) and
# `npm ci --prefix tools/prism`.
set -euo pipefail
cd "$(dirname "$0")/../.."

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_for() {
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "nothing listens on port $1 after 60 s" >&2
  return 1
}

mock_port="$(free_port)"
"${CARGO_TARGET_DIR:-target}/debug/lightfield-mock" --port "$mock_port" --rate-limit off >"$work/mock.log" 2>&1 &
pids+=($!)
wait_for "$mock_port"

node tools/prism/prepare.js spec/reference/lightfield-api-newer.json "$work/reference.json" \
  --errors-from spec/reference/lightfield-api.json >/dev/null
proxy_port="$(free_port)"
tools/prism/node_modules/.bin/prism proxy --errors --host 127.0.0.1 -p "$proxy_port" \
  "$work/reference.json" "http://127.0.0.1:$mock_port" >"$work/prism.log" 2>&1 &
pids+=($!)
wait_for "$proxy_port"

status=0
LIGHTFIELD_BASE_URL="http://127.0.0.1:$proxy_port" \
  LIGHTFIELD_API_KEY="${LIGHTFIELD_API_KEY:-sk_lf_through_proxy}" \
  "$@" || status=$?

# Prism logs a refused request or answer as a request ended with a VIOLATIONS or
# UNPROCESSABLE_ENTITY error (and each rule broken as an error line of its validator).
# A status no reference describes is only a warning to Prism; here it is a violation.
violations="$(grep -E 'errors#(VIOLATIONS|UNPROCESSABLE_ENTITY)|\[VALIDATOR\].*✖|Unable to match the returned status code' "$work/prism.log" || true)"
requests="$(grep -c 'Request received' "$work/prism.log" || true)"
count=0
if [ -n "$violations" ]; then count="$(printf '%s\n' "$violations" | wc -l)"; fi
echo "through the reference proxy: $requests requests, $count violations: $*"
if [ -n "$violations" ]; then
  printf '%s\n' "$violations" >&2
  status=1
fi
exit "$status"
