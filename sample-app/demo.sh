#!/usr/bin/env bash
# ./bulwark demo: the sample bank on WildFly 39 against 4 replica hosts on loopback. Builds what it needs (the first
# run downloads WildFly, ~260 MB, through Maven), prints the URL and what to try, and stops everything on Ctrl-C.
# Options: --port-offset N|auto (WildFly's ports + N; default 0: http://127.0.0.1:8080; auto: an offset at which
# its HTTP, HTTPS and management ports are free now, for CI), --duration S (stop after S
# seconds, for scripts), --no-build (use what the last build left in it/target). For `bulwark bench app`: --run-dir DIR
# (keys and logs; default run/demo), --load-users N (customers load1..loadN as well), --unreplicated (a baseline: one
# `bulwark unreplicated` store process instead of the 4 replicas, the WAR pointed at it by bulwark.bank.unreplicated-store).
# --pages N: the store's state in 4 KB pages, the same for the replicas and the unreplicated store (default 16384, 64 MiB:
# the bank keeps the newest 50,000 entries of its history, about 2,700 pages, and retires older ones; the rest is for
# accounts, and a state full of them refuses writes with "state full").
# The bank is kept between runs: the replicas are durable (each journals its votes in its data dir, RUN/data/replica-I,
# and syncs before sending them) and the keys stay in the run dir, so a run after Ctrl-C, a crash or kill -9 of every
# process goes on with the same accounts. --fresh starts a new bank on new ports (another --load-users or --pages
# than the kept bank's is refused without it: the bank is never discarded by a changed option).
# --watchdog T_w (e.g. 5m; at least 10s): proactive recovery (section 4.4): each replica runs under a recovery monitor
# that reboots it every T_w (staggered, T_w/4 apart) and restarts it after a crash; the page counts the recoveries.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
offset=0 duration="" build=1 run="$root/run/demo" load_users=0 unreplicated=0 pages=16384 fresh=0 watchdog=
while [ $# -gt 0 ]; do
  case "$1" in
    --port-offset) offset="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --run-dir) run="$2"; shift 2 ;;
    --load-users) load_users="$2"; shift 2 ;;
    --unreplicated) unreplicated=1; shift ;;
    --pages) pages="$2"; shift 2 ;;
    --fresh) fresh=1; shift ;;
    --watchdog) watchdog="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
say() { echo "demo: $*" >&2; }
# Nothing listens on 127.0.0.1:$1 (a refused connection).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ "$offset" = auto ]; then
  found=""
  for _ in $(seq 1 100); do
    o=$((1000 + RANDOM % 21000))   # below Linux's ephemeral range (32768 up)
    if port_free $((8080 + o)) && port_free $((8443 + o)) && port_free $((9990 + o)); then found=$o; break; fi
  done
  [ -n "$found" ] || { say "no port offset with WildFly's ports free found"; exit 1; }
  offset=$found
  say "port offset $offset (HTTP $((8080 + offset)), management $((9990 + offset)))"
fi
case "$offset" in ''|*[!0-9]*) say "--port-offset takes a number or auto, not '$offset'"; exit 2 ;; esac
deps="$root/it/target/it-deps"
wildfly_home="$(ls -d "$root"/it/target/wildfly-* 2>/dev/null | head -1 || true)"
if [ "$build" = 1 ] || [ ! -f "$deps/bank.war" ] || [ -z "$wildfly_home" ]; then
  say "building the WAR, the application jar and the CLI, and fetching WildFly (first run: a few minutes)..."
  (cd "$root" && ./mvnw -q -B -ntp -pl it -am verify -DskipTests) >&2
  wildfly_home="$(ls -d "$root"/it/target/wildfly-* | head -1)"
fi
# Replica processes of a demo still running in $1 (their principal locks name their pids).
running_in() {
  local l p
  for l in "$1"/replica-*.lock; do
    [ -f "$l" ] || continue
    p="$(cat "$l" 2>/dev/null || true)"
    case "$p" in ''|*[!0-9]*) continue ;; esac
    [ -r "/proc/$p/cmdline" ] && tr '\0' ' ' < "/proc/$p/cmdline" | grep -q -- "--config $1/cluster.conf" && echo "$p"
  done
  return 0
}
if [ -d "$run" ]; then
  busy="$(running_in "$(cd "$run" && pwd)" | tr '\n' ' ')"
  [ -z "$busy" ] || { say "a demo is still running in $run (replica processes $busy): stop it first"; exit 1; }
fi
# A new bank (keys, users, ports chosen now) unless the run dir holds one made for the same users and pages.
group_kind="load-users $load_users pages $pages"
# Never thrown away by a changed option: a bank made with other --load-users or --pages is kept until --fresh says so.
# (A run dir without bank.kind is an older demo's, whose replicas kept nothing on disk: it is replaced.)
if [ "$fresh" = 0 ] && [ -f "$run/bank.kind" ] && [ "$(cat "$run/bank.kind")" != "$group_kind" ]; then
  say "$run holds a bank made with $(cat "$run/bank.kind"), not $group_kind:"
  say "run with those options to go on with it, or add --fresh to discard it and start a new bank"
  exit 2
fi
if [ "$fresh" = 1 ] || [ ! -f "$run/cluster.conf" ] || [ ! -f "$run/bank.kind" ]; then
  rm -rf "$run"
  mkdir -p "$run"
  run="$(cd "$run" && pwd)"
  java -cp "$deps/sample-bank.jar:$deps/bulwark.jar" io.bulwark.sample.users.SampleGroupFiles "$run" "$load_users" >/dev/null
  echo "$group_kind" > "$run/bank.kind"
  say "a new bank in $run"
else
  run="$(cd "$run" && pwd)"
  say "the bank of the last run, from the replicas' data dirs in $run/data (--fresh starts a new one)"
fi
rm -rf "$run/wildfly"
mkdir -p "$run/data"

pids=()
stop() {
  trap - INT TERM EXIT
  say "stopping the application server and the replicas..."
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  say "stopped (logs in $run)"
}
trap stop INT TERM EXIT

store_props=()
if [ "$unreplicated" = 1 ]; then
  say "starting the unreplicated store (bulwark unreplicated --app sample-bank.jar; a baseline: no replication)..."
  java -Xmx512m -XX:+UseSerialGC -cp "$deps/bulwark.jar" io.bulwark.bft.cli.BulwarkCli unreplicated --pages "$pages" \
    --app "$deps/sample-bank.jar" --access-policy "$run/bank-policy.conf" > "$run/unreplicated.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 600); do
    grep -q ' ready' "$run/unreplicated.log" 2>/dev/null && break
    kill -0 "${pids[0]}" 2>/dev/null || { say "the unreplicated store exited:"; tail -20 "$run/unreplicated.log" >&2; exit 1; }
    sleep 0.2
  done
  store="$(sed -n 's/^unreplicated store listening on \([0-9.:]*\) ready$/\1/p' "$run/unreplicated.log")"
  [ -n "$store" ] || { say "the unreplicated store not ready after 120 s"; exit 1; }
  say "unreplicated store ready at $store"
  store_props=(-Dbulwark.bank.unreplicated-store="$store")
fi
[ "$unreplicated" = 1 ] || say "starting 4 replica hosts (bulwark replica --service cdi --app sample-bank.jar${watchdog:+, proactive recovery every $watchdog})..."
recovery=()
[ -z "$watchdog" ] || recovery=(--watchdog "$watchdog")
for id in 0 1 2 3; do
  [ "$unreplicated" = 1 ] && break
  java -Xmx512m -XX:+UseSerialGC -cp "$deps/bulwark.jar" io.bulwark.bft.cli.BulwarkCli replica --config "$run/cluster.conf" --id "$id" \
    --pages "$pages" --service cdi --app "$deps/sample-bank.jar" --access-policy "$run/bank-policy.conf" \
    --data-dir "$run/data/replica-$id" ${recovery[@]+"${recovery[@]}"} > "$run/replica-$id.log" 2>&1 &
  pids+=($!)
done
for id in 0 1 2 3; do
  [ "$unreplicated" = 1 ] && break
  for _ in $(seq 1 600); do
    grep -q ' ready' "$run/replica-$id.log" 2>/dev/null && break
    kill -0 "${pids[$id]}" 2>/dev/null || { say "replica $id exited:"; tail -20 "$run/replica-$id.log" >&2
      say "(its port taken by another program, or its data dir locked by a replica still running? --fresh discards this bank and starts a new one on new ports)"; exit 1; }
    sleep 0.2
  done
  grep -q ' ready' "$run/replica-$id.log" || { say "replica $id not ready after 120 s"; exit 1; }
  say "replica $id ready"
done

say "starting WildFly ($wildfly_home) with the WAR on 127.0.0.1..."
cp -r "$wildfly_home/standalone" "$run/wildfly"
cp "$deps/bank.war" "$run/wildfly/deployments/"
# System properties as server arguments: JAVA_OPTS would replace standalone.conf's defaults.
LAUNCH_JBOSS_IN_BACKGROUND=1 "$wildfly_home/bin/standalone.sh" -c standalone-microprofile.xml -Djboss.server.base.dir="$run/wildfly" \
  -Dbulwark.client.config="$run/cluster.conf" ${store_props[@]+"${store_props[@]}"} \
  -b 127.0.0.1 -bmanagement 127.0.0.1 -Djboss.bind.address.private=127.0.0.1 -Djboss.socket.binding.port-offset="$offset" \
  > "$run/wildfly.log" 2>&1 &
pids+=($!)
server_pid=$!
url="http://127.0.0.1:$((8080 + offset))/bank/"
for i in $(seq 1 900); do
  curl -fs -o /dev/null "$url" && break
  kill -0 "$server_pid" 2>/dev/null || { say "WildFly exited:"; tail -30 "$run/wildfly.log" >&2; exit 1; }
  [ $((i % 25)) = 0 ] && say "... still waiting for WildFly ($((i / 5)) s)"
  sleep 0.2
done
curl -fs -o /dev/null "$url" || { say "the bank did not come up; see $run/wildfly.log"; exit 1; }
# The first call of each user connects that user's BFT client: do the teller's now.
curl -fsS -u teller:teller "${url}api/me" > /dev/null || { say "the teller's first call failed: see $run/wildfly.log"; exit 1; }
say "ready at $url"

if [ "$unreplicated" = 1 ]; then
  say "the sample bank is running on the UNREPLICATED store (a baseline, no fault tolerance): $url   Ctrl-C stops everything."
else
cat <<TXT

  The sample bank is running: $url
  Log in as teller/teller, alice/alice, bob/bob or mallory/mallory (demo passwords).
  Try: as teller, open accounts for alice and bob and deposit into alice's; as alice, transfer to bob;
  as bob, try to move alice's money (403: the replicas refuse); overdraw (422: no negative balance).
  From a shell:  curl -u teller:teller ${url}api/group
$(if [ -z "$watchdog" ]; then
  echo "  Kill a replica and watch the page:  kill -9 ${pids[2]}   (replica 2; the bank keeps going with 3 of 4)"
else
  echo "  Replicas reboot and recover every $watchdog (the page counts it). Crash one: kill -9 \$(pgrep -P ${pids[2]} java)"
  echo "  (replica 2's process under its monitor, which starts it again: it recovers while the bank goes on)"
fi)
  The replicas are durable: after Ctrl-C (or kill -9 of them all), ./bulwark demo again has the same accounts
  (--fresh: a new bank).
  Logs and keys: $run      Ctrl-C stops everything.

TXT
fi
# In the background and waited for: a TERM or INT sent to this script alone (bench app's stop) runs the trap at once.
if [ -n "$duration" ]; then sleep "$duration" & wait $!; else wait "$server_pid"; fi
