#!/usr/bin/env bash
# GPU samples per second through Kafka next to HTTP, in one run (issue #17): bench/KafkaIngestBench.java [SAMPLES].
# The broker is Apache Kafka in KRaft mode from the test classpath (testing/KafkaBroker, as the tests start it), so
# this builds the test classes and asks Maven for the test classpath; nothing to install.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. bin/lib/jdk.sh
find_jdk
./mvnw -B -ntp -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt >/dev/null
cp="$root/target/classes:$root/target/test-classes:$(cat target/test-classpath.txt)"
java --enable-native-access=ALL-UNNAMED -Xmx2g -cp "$cp" bench/KafkaIngestBench.java "$@" 2>&1 | grep -E "^( |[0-9])"
