#!/usr/bin/env bash
# Scores the generic series detector (ROBUST) and the rolling 7-day mean + 2 sigma baseline (BASELINE) on both
# labelled dev sets with both scorers of ../shared/tools, in one run. Usage: bench/anomaly-eval.sh [OUT_DIR]
# Needs a built tree (./mvnw -B -ntp -o -q -DskipTests package) and python3 + numpy.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. bin/lib/jdk.sh
find_jdk
export PATH="$JAVA_HOME/bin:$PATH"
shared="${SHARED:-$root/../shared}"
[ -d "$shared/data/anomaly-dev" ] || shared=/work/shared
out="${1:-$root/bench/out/anomaly}"
methods="${METHODS:-ROBUST BASELINE}"
sets="${SETS:-anomaly-dev anomaly-dev2}"
printf '%-13s %-9s %-7s %-7s %-7s %-7s %-26s %s\n' set method eP eR eF1 flags "window std/lowFP/lowFN" "(threshold) hit/miss"
for set in $sets; do
  data="$shared/data/$set/data"
  for m in $methods; do
    d="$out/$set/$m"
    rm -rf "$d"
    java ${JOPTS:-} -cp "target/classes:target/lib/*" bench/AnomalyEval.java "$data" "$d" "$m" ${PARAMS:-}
    python3 "$shared/tools/anomaly_eval.py" --data "$data" --detections "$d" --json "$d.event.json" >/dev/null
    python3 "$shared/tools/anomaly_window_score.py" --data "$data" --detections "$d" --json "$d.window.json" >/dev/null
    python3 - "$d" "$set" "$m" <<'PY'
import json, sys
d, s, m = sys.argv[1:]
e = json.load(open(d + ".event.json"))["total"]
w = json.load(open(d + ".window.json"))["results"]
st = w["standard"]
print("%-13s %-9s %.3f   %.3f   %.3f   %-7d %6.2f / %6.2f / %6.2f   (%s) %d/%d" % (s, m, e["event_precision"], e["event_recall"], e["event_f1"],
      e["alarms"], st["normalized"], w["reward_low_FP_rate"]["normalized"], w["reward_low_FN_rate"]["normalized"],
      st["threshold"], st["counts"]["win_hit"], st["counts"]["win_miss"]))
PY
  done
done
