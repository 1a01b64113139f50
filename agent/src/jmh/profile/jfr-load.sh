#!/usr/bin/env bash
# Per-request profile under load (BENCHMARKS.md "Per-request profile and fix"): the demo app in
# correct mode (or without agent) with JFR settings=profile, wrk with Origin on both servers
# (trusted /api/correct and untrusted /api/reflect), D seconds each after a 2 s warm-up; prints
# the server's CPU time per request. Then: jfr-agg.py OUT/NAME.jfr; jfr-callers.py OUT/NAME.jfr.
# usage: jfr-load.sh <name> <agent-jar|none> [seconds per kind]   (OUT, default /tmp)
set -u
ROOT="$(cd "$(dirname "$0")/../../../.." && pwd)"; cd "$ROOT"
NAME=$1; AG=$2; D=${3:-8}; OUT="${OUT:-/tmp}"
SP=28080; NP=28081
ARGS=""
[ "$AG" != none ] && ARGS="-javaagent:$AG=config=$ROOT/demo-app/corsguard.properties;mode=correct"
java $ARGS -XX:StartFlightRecording=filename=$OUT/$NAME.jfr,settings=profile -jar demo-app/target/demo-app.jar --serve --servlet-port $SP --netty-port $NP > $OUT/$NAME.log 2>&1 &
PID=$!
for i in $(seq 1 600); do
  curl -s -o /dev/null --max-time 1 http://127.0.0.1:$SP/api/correct && curl -s -o /dev/null --max-time 1 http://127.0.0.1:$NP/api/correct && break
  sleep 0.1
done
for port in $SP $NP; do
  wrk -t2 -c32 -d2s -H "Origin: https://app.example.com" -H "Cookie: session=demo" http://127.0.0.1:$port/api/correct >/dev/null
  wrk -t2 -c32 -d2s -H "Origin: https://evil.example" -H "Cookie: session=demo" http://127.0.0.1:$port/api/reflect >/dev/null
done
for port in $SP $NP; do
  for k in correct reflect; do
    o=https://app.example.com; [ $k = reflect ] && o=https://evil.example
    t0=$(awk '{print $14+$15}' /proc/$PID/stat)
    r=$(wrk -t2 -c32 -d${D}s -H "Origin: $o" -H "Cookie: session=demo" http://127.0.0.1:$port/api/$k | awk '/requests in/ {print $1}')
    t1=$(awk '{print $14+$15}' /proc/$PID/stat)
    echo "$NAME port=$port kind=$k reqs=$r cpu_us_per_req=$(awk -v t=$((t1-t0)) -v n=$r 'BEGIN{printf "%.2f", t*1e4/n}') load=$(cut -d' ' -f1 /proc/loadavg)"
  done
done
kill $PID; wait $PID
