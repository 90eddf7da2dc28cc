#!/usr/bin/env bash
# Runs bench/DashboardBench.java with the test classpath (Selenium) against Debian's chromium + chromium-driver.
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/lib/jdk.sh
find_jdk
./mvnw -B -q -ntp -DskipTests package dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "target/classes:$(cat target/test-classpath.txt)" bench/DashboardBench.java "$@"
