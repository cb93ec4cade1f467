#!/usr/bin/env bash
# ./bulwark demo: the sample bank on WildFly 39 against 4 replica hosts on loopback. Builds what it needs (the first
# run downloads WildFly, ~260 MB, through Maven), prints the URL and what to try, and stops everything on Ctrl-C.
# Options: --port-offset N (WildFly's ports + N; default 0: http://127.0.0.1:8080), --duration S (stop after S
# seconds, for scripts), --no-build (use what the last build left in it/target).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
offset=0 duration="" build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --port-offset) offset="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
say() { echo "demo: $*" >&2; }
deps="$root/it/target/it-deps"
wildfly_home="$(ls -d "$root"/it/target/wildfly-* 2>/dev/null | head -1 || true)"
if [ "$build" = 1 ] || [ ! -f "$deps/bank.war" ] || [ -z "$wildfly_home" ]; then
  say "building the WAR, the application jar and the CLI, and fetching WildFly (first run: a few minutes)..."
  (cd "$root" && ./mvnw -q -B -ntp -pl it -am verify -DskipTests) >&2
  wildfly_home="$(ls -d "$root"/it/target/wildfly-* | head -1)"
fi
run="$root/run/demo"
rm -rf "$run"
mkdir -p "$run"
java -cp "$deps/sample-bank.jar:$deps/bulwark.jar" io.bulwark.sample.users.SampleGroupFiles "$run" >/dev/null

pids=()
stop() {
  trap - INT TERM EXIT
  say "stopping the application server and the replicas..."
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  say "stopped (logs in $run)"
}
trap stop INT TERM EXIT

say "starting 4 replica hosts (bulwark replica --service cdi --app sample-bank.jar)..."
for id in 0 1 2 3; do
  java -Xmx256m -XX:+UseSerialGC -cp "$deps/bulwark.jar" io.bulwark.bft.cli.BulwarkCli replica --config "$run/cluster.conf" --id "$id" \
    --service cdi --app "$deps/sample-bank.jar" --access-policy "$run/bank-policy.conf" > "$run/replica-$id.log" 2>&1 &
  pids+=($!)
done
for id in 0 1 2 3; do
  for _ in $(seq 1 600); do
    grep -q ' ready' "$run/replica-$id.log" 2>/dev/null && break
    kill -0 "${pids[$id]}" 2>/dev/null || { say "replica $id exited:"; tail -20 "$run/replica-$id.log" >&2; exit 1; }
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
  -Dbulwark.client.config="$run/cluster.conf" \
  -b 127.0.0.1 -bmanagement 127.0.0.1 -Djboss.bind.address.private=127.0.0.1 -Djboss.socket.binding.port-offset="$offset" \
  > "$run/wildfly.log" 2>&1 &
pids+=($!)
url="http://127.0.0.1:$((8080 + offset))/bank/"
for i in $(seq 1 900); do
  curl -fs -o /dev/null "$url" && break
  kill -0 "${pids[4]}" 2>/dev/null || { say "WildFly exited:"; tail -30 "$run/wildfly.log" >&2; exit 1; }
  [ $((i % 25)) = 0 ] && say "... still waiting for WildFly ($((i / 5)) s)"
  sleep 0.2
done
curl -fs -o /dev/null "$url" || { say "the bank did not come up; see $run/wildfly.log"; exit 1; }
# The first call of each user connects that user's BFT client: do the teller's now.
curl -fsS -u teller:teller "${url}api/me" > /dev/null || { say "the teller's first call failed: see $run/wildfly.log"; exit 1; }

cat <<TXT

  The sample bank is running: $url
  Log in as teller/teller, alice/alice, bob/bob or mallory/mallory (demo passwords).
  Try: as teller, open accounts for alice and bob and deposit into alice's; as alice, transfer to bob;
  as bob, try to move alice's money (403: the replicas refuse); overdraw (422: no negative balance).
  From a shell:  curl -u teller:teller ${url}api/group
  Kill a replica and watch the page:  kill -9 ${pids[2]}   (replica 2; the bank keeps going with 3 of 4)
  Logs and keys: $run      Ctrl-C stops everything.

TXT
if [ -n "$duration" ]; then sleep "$duration"; else wait "${pids[4]}"; fi
