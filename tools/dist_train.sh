#!/usr/bin/env bash
# Usage: tools/dist_train.sh CONFIG NPROC [train.py args...]
# On a CPU-only machine the processes use gloo (see kdmvnet_mm/compat.py).
CONFIG=$1
NPROC=$2
PORT=${PORT:-29500}
python -m torch.distributed.run --nproc_per_node="$NPROC" --master_port="$PORT" \
    "$(dirname "$0")/train.py" "$CONFIG" --launcher pytorch "${@:3}"
