#!/bin/bash
# usage: BASE_AGENT=<older agent jar> boot-startup.sh RUNS
# Times the Spring Boot fat jar of it-tests (built by mvn -B verify or -pl it-tests -am package)
# from java -jar to its READY line, with no agent, BASE_AGENT and agent/target/corsguard-agent.jar
# (mode=correct), alternated; prints run, config, wall ms, JVM CPU ms until READY, then wall ms and
# JVM CPU ms until the first response to GET /api/data (the first request is where the servlet
# container's request-path classes load and are woven).
# CONFIGS (default "none base final") picks and orders the configurations; REVERSE=1 runs them in
# reverse order on every even run, so that neither jar always starts right after the other.
cd "$(dirname "$0")/../../../.."
JAR=it-tests/spring-boot-app/target/spring-cors-app.jar
CLK=$(getconf CLK_TCK)
for r in $(seq 1 $1); do
 order="${CONFIGS:-none base final}"
 [ "${REVERSE:-0}" = 1 ] && [ $((r % 2)) = 0 ] && order=$(echo $order | tr ' ' '\n' | tac | tr '\n' ' ')
 for c in $order; do
  A=""
  [ $c = base ] && A="-javaagent:${BASE_AGENT:?set BASE_AGENT to an older agent jar}=config=demo-app/corsguard.properties;mode=correct"
  [ $c = final ] && A="-javaagent:agent/target/corsguard-agent.jar=config=demo-app/corsguard.properties;mode=correct"
  t0=$(date +%s%N)
  java $A -jar $JAR --server.port=0 > /tmp/boot-$c.out 2>&1 &
  P=$!
  until grep -q "READY" /tmp/boot-$c.out; do sleep 0.01; kill -0 $P 2>/dev/null || break; done
  t1=$(date +%s%N)
  cpu=$(awk -v k=$CLK '{print ($14+$15)*1000/k}' /proc/$P/stat)
  port=$(sed -n 's/.*READY servlet=\([0-9]*\).*/\1/p' /tmp/boot-$c.out | head -1)
  curl -s -o /dev/null --max-time 30 "http://127.0.0.1:$port/api/data"
  t2=$(date +%s%N)
  cpu2=$(awk -v k=$CLK '{print ($14+$15)*1000/k}' /proc/$P/stat)
  echo "$r $c $(( (t1-t0)/1000000 )) $cpu $(( (t2-t0)/1000000 )) $cpu2"
  kill $P; wait $P 2>/dev/null
 done
done
