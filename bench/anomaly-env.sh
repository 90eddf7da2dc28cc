# Sourced by the anomaly benches: run from the repository root with the project's JDK on the PATH, and find the
# shared data and tools (../shared, or SHARED=DIR).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. bin/lib/jdk.sh
find_jdk
export PATH="$JAVA_HOME/bin:$PATH"
shared="${SHARED:-$root/../shared}"
[ -d "$shared/data/anomaly-dev" ] || shared=/work/shared
