#!/usr/bin/env bash
# Usage: tools/dist_test.sh CONFIG CHECKPOINT NPROC [test.py args...]
CONFIG=$1
CHECKPOINT=$2
NPROC=$3
PORT=${PORT:-29500}
python -m torch.distributed.run --nproc_per_node="$NPROC" --master_port="$PORT" \
    "$(dirname "$0")/test.py" "$CONFIG" "$CHECKPOINT" --launcher pytorch "${@:4}"
