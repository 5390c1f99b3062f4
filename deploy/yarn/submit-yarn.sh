#!/usr/bin/env bash
# A hypergrad run on YARN: the jar and the config ship with the application; datasets and outputs on HDFS.
# Fetch the data once on a machine with the registries, then: hdfs dfs -put ~/.cache/hypergrad/data /hypergrad-data
set -euo pipefail
HG_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
exec "$HG_HOME/deploy/bin/spark-submit-hypergrad" --master yarn --deploy-mode cluster \
  --num-executors 4 --executor-cores 2 --executor-memory 4g \
  --files "$HG_HOME/conf/anil-quickdraw.conf" \
  "$HG_HOME/driver/target/hypergrad.jar" \
  run anil-quickdraw.conf --set 'hypergrad.data.dir="hdfs:///hypergrad-data"' --out hdfs:///hypergrad-runs/anil-quickdraw --resume
