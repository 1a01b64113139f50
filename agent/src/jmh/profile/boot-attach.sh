#!/bin/bash
# usage: BASE_AGENT=<older agent jar> boot-attach.sh RUNS
# Dynamic attach into the Spring Boot fat jar of it-tests (started without an agent, one request
# served), alternating BASE_AGENT and agent/target/corsguard-agent.jar: prints run, config, the
# attach CLI's wall ms, and the wall ms from starting the CLI to the first response to
# GET /api/data (untrusted Origin, a cookie) without Access-Control-Allow-Credentials.
cd "$(dirname "$0")/../../../.."
JAR=it-tests/spring-boot-app/target/spring-cors-app.jar
ask() {
  curl -s -o /dev/null -D - --max-time 10 -H 'Origin: https://evil.example' -H 'Cookie: s=1' "http://127.0.0.1:$1/api/data" \
    | grep -qi '^access-control-allow-credentials'
}
for r in $(seq 1 $1); do
 for c in base final; do
  AGENT=agent/target/corsguard-agent.jar
  [ $c = base ] && AGENT=${BASE_AGENT:?set BASE_AGENT to an older agent jar}
  java -jar $JAR --server.port=0 > /tmp/boot-attach-$c.out 2>&1 &
  P=$!
  until grep -q "READY" /tmp/boot-attach-$c.out; do sleep 0.05; kill -0 $P 2>/dev/null || break; done
  port=$(sed -n 's/.*READY servlet=\([0-9]*\).*/\1/p' /tmp/boot-attach-$c.out | head -1)
  ask $port || { echo "run $r $c: credentials not reflected before the attach" >&2; kill $P; exit 1; }
  t0=$(date +%s%N)
  java -jar $AGENT attach $P "config=demo-app/corsguard.properties" "mode=correct" > /tmp/boot-attach-cli.txt 2>&1 &
  cli=$!
  cli_ms=""
  while ask $port; do
    if [ -z "$cli_ms" ] && ! kill -0 $cli 2>/dev/null; then cli_ms=$(( ($(date +%s%N)-t0)/1000000 )); fi
    sleep 0.01
  done
  t1=$(date +%s%N)
  wait $cli; [ -z "$cli_ms" ] && cli_ms=$(( ($(date +%s%N)-t0)/1000000 ))
  echo "$r $c $cli_ms $(( (t1-t0)/1000000 ))"
  kill $P; wait $P 2>/dev/null
 done
done
