#!/usr/bin/env bash
# Ours vs ONNX Runtime (CPU, all graph optimizations), batch 1, 224x224, side by side in one run:
# for each architecture and thread count, ROUNDS alternating rounds (ours, ORT, ours, ORT, ...),
# each round the median of ITERATIONS runs; prints the median over rounds and the ratio ours/ORT.
#   bash benchmarks/peers/compare.sh [ROUNDS] [ITERATIONS] [ARCH...]
# Needs: bash ../shared/peers/ort-setup.sh (onnxruntime-node in /tmp/ort-peer), the ONNX exports
# (export_onnx.py, needs Debian's python3-torch and timm on PYTHONPATH), and a Release build of the CLI.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
rounds=${1:-5}; iters=${2:-50}; shift 2 || true
archs=("$@"); [ ${#archs[@]} -gt 0 ] || archs=(mobilenet_v3_large mobilenet_v3_small mobilenetv4_conv_small mobilenet_v2 mobilenetv1_100 mobilenetv4_hybrid_medium)
onnx=${ONNX_DIR:-/tmp/mobilenets-onnx}
peers=${PEERS_DIR:-$root/../shared/peers}
cli="dotnet $root/src/MobileNets.Cli/bin/Release/net10.0/mobilenets.dll"
PYTHONPATH=${PYTHONPATH:-/tmp/timm} /usr/bin/python3 "$here/export_onnx.py" "$onnx" "${archs[@]}" >&2
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf '%-26s %7s %10s %10s %8s\n' arch threads ours_ms ort_ms ratio
for arch in "${archs[@]}"; do
  for t in 1 2; do
    ours=(); ort=()
    for r in $(seq "$rounds"); do
      ours+=("$($cli bench --arch "$arch" --threads "$t" --input-size 224 --iterations "$iters" --warmup 20 --json | sed -E 's/.*"median_ms": ([0-9.]+).*/\1/')")
      ort+=("$(node "$peers/ort-bench.js" "$onnx/$arch.onnx" "$t" "$iters")")
    done
    o=$(printf '%s\n' "${ours[@]}" | median); p=$(printf '%s\n' "${ort[@]}" | median)
    printf '%-26s %7s %10.3f %10.3f %8.2f\n' "$arch" "$t" "$o" "$p" "$(echo "$o / $p" | bc -l)"
  done
done
