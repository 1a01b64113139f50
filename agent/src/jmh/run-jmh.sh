#!/usr/bin/env bash
# Compiles and runs the JMH benchmarks of agent/src/jmh (issue 9, part 1). Never part of
# `mvn verify`. Arguments go to JMH, e.g.:
#   agent/src/jmh/run-jmh.sh                          # all, with the gc profiler (ns/op and B/op)
#   agent/src/jmh/run-jmh.sh 'PolicyBench' -f 1 -wi 2 -i 3
#   agent/src/jmh/run-jmh.sh -l                       # list
# JMH_OPTS overrides the default "-prof gc -rf json -rff <results>/jmh-<timestamp>.json".
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"
mvn -B -q -Pbench -pl agent test-compile
CP="agent/target/test-classes:agent/target/classes:$(cat agent/target/jmh-classpath.txt)"
mkdir -p agent/src/jmh/results
DEFAULT_OPTS="-prof gc -rf json -rff agent/src/jmh/results/jmh-$(date -u +%Y%m%dT%H%M%SZ).json"
# shellcheck disable=SC2086
exec java -cp "$CP" org.openjdk.jmh.Main ${JMH_OPTS:-$DEFAULT_OPTS} "$@"
