#!/usr/bin/env bash
# The README's first command keeps the bank between runs (what .ci/run checks after `./mvnw verify` built it):
# a new bank in a run dir of its own; an account with a deposit over REST; the demo stopped with kill -9 of every
# process it started (no goodbye from any replica or the server); the demo again on the same run dir: the same
# balance, and a deposit still goes through; the demo with other --pages: refused (exit 2), the bank untouched.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
run="$(mktemp -d)/demo"
log="$(dirname "$run")/demo.log"
say() { echo "demo-keeps-its-bank: $*" >&2; }
demo_pid=""
# Every process of the demo: the script, its children (replicas, WildFly's launcher) and theirs.
tree() { local p=$1 c; echo "$p"; for c in $(pgrep -P "$p" || true); do tree "$c"; done; }
kill_demo() {
  [ -n "$demo_pid" ] || return 0
  local all; all="$(tree "$demo_pid" | tr '\n' ' ')"
  kill -9 $all 2>/dev/null || true
  wait "$demo_pid" 2>/dev/null || true   # reaped here: no "Killed" line from bash
  for _ in $(seq 1 100); do
    local alive=0 p
    for p in $all; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  demo_pid=""
}
trap 'kill_demo' EXIT
start_demo() {   # start_demo [options...]: runs the demo, sets $url once it is ready
  : > "$log"
  "$root/bulwark" demo --no-build --port-offset auto --duration 600 --run-dir "$run" "$@" > "$log" 2>&1 &
  demo_pid=$!
  for _ in $(seq 1 1500); do
    grep -q "demo: ready at" "$log" && break
    kill -0 "$demo_pid" 2>/dev/null || { say "the demo exited:"; tail -30 "$log" >&2; exit 1; }
    sleep 0.2
  done
  url="$(sed -n 's/^demo: ready at //p' "$log")"
  [ -n "$url" ] || { say "the demo not ready within 300 s:"; tail -30 "$log" >&2; exit 1; }
}
call() { curl -fsS -u "$1" -H 'Content-Type: application/json' "${@:3}" "$url$2"; }
balance() { call alice:alice "api/accounts/$1" | sed -n 's/.*"balance":\([0-9]*\).*/\1/p'; }

start_demo
grep -q "demo: a new bank in" "$log" || { say "expected a new bank:"; cat "$log" >&2; exit 1; }
id="$(call teller:teller api/accounts -d '{"owner":"alice","name":"checking"}' | sed -n 's/.*"id":\([0-9]*\).*/\1/p')"
call teller:teller "api/accounts/$id/deposits" -d '{"amount":4242}' > /dev/null
[ "$(balance "$id")" = 4242 ] || { say "balance after the deposit: $(balance "$id")"; exit 1; }
kill_demo

start_demo
grep -q "demo: the bank of the last run" "$log" || { say "expected the kept bank:"; cat "$log" >&2; exit 1; }
got="$(balance "$id" 2>&1 || true)"
[ "$got" = 4242 ] || { say "after kill -9 of the whole demo and a restart, account $id holds '$got', not 4242"; exit 1; }
call teller:teller "api/accounts/$id/deposits" -d '{"amount":1}' > /dev/null
[ "$(balance "$id")" = 4243 ] || { say "a deposit after the restart did not go through"; exit 1; }
kill_demo

set +e
"$root/bulwark" demo --no-build --port-offset auto --duration 5 --run-dir "$run" --pages 32768 > "$log" 2>&1
code=$?
set -e
[ "$code" = 2 ] && grep -q "add --fresh to discard it" "$log" || { say "other --pages: exit $code, expected 2 and a refusal:"; cat "$log" >&2; exit 1; }
[ -d "$run/data/replica-0" ] || { say "the refused run touched the bank"; exit 1; }
say "ok: the bank survived kill -9 of the whole demo (account $id: 4242, then 4243); other --pages refused"
rm -rf "$(dirname "$run")"
