#!/usr/bin/env bash
# Captures real nvidia-smi telemetry of bench/gpu/train.py on a GPU machine into $OUT (used once to make
# the fixtures under src/test/resources/gpu; see its NOTICE).
set -euo pipefail
out="${OUT:-/tmp/gpu-capture}"
mkdir -p "$out"
nvidia-smi --query-gpu=timestamp,index,uuid,utilization.gpu,memory.used,memory.total --format=csv -lms 1000 > "$out/nvidia-smi-query.csv" &
smi=$!
sleep 10                                   # idle before the job
python3 "$(dirname "$0")/train.py" | tee "$out/train.log"
sleep 10                                   # idle after it
kill $smi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$out/gpu.csv"
