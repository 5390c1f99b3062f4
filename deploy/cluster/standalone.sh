#!/usr/bin/env bash
# A Spark standalone cluster on loopback from the project's own classpath: one master and N workers,
# each a separate JVM. Used by the integration test and usable by a person.
#
#   deploy/cluster/standalone.sh start [--home DIR] [--jars DIR] [--port P] [--workers N] [--cores C]
#   deploy/cluster/standalone.sh stop  [--home DIR]
#
# --jars defaults to driver/target/lib plus driver/target/hypergrad.jar (build first). The cluster's
# SPARK_HOME is --home (default /tmp/hypergrad-standalone); it holds jars/, logs/ and pids. `start`
# prints the master URL (spark://127.0.0.1:P) on its last line. Every address stays on 127.0.0.1.
set -euo pipefail

HG_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cmd="${1:-}"; [ $# -gt 0 ] && shift
home=/tmp/hypergrad-standalone; jars=""; port=7077; workers=2; cores=1; memory=1g
while [ $# -gt 0 ]; do
  case "$1" in
    --home) home="$2"; shift 2 ;;
    --jars) jars="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --cores) cores="$2"; shift 2 ;;
    --memory) memory="$2"; shift 2 ;;
    *) echo "standalone.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

opens="$(sed -n 's:.*<spark.java17.opens>\(.*\)</spark.java17.opens>.*:\1:p' "$HG_HOME/pom.xml") -Dlog4j2.configurationFile=$HG_HOME/deploy/cluster/log4j2.properties"
export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1 SPARK_MASTER_HOST=127.0.0.1
export SPARK_LOG_DIR="$home/logs"
# Executors get Java 17's flags from the application: SparkContext adds them to
# spark.executor.extraJavaOptions (JavaModuleOptions) before the Worker launches them.

stop_all() {
  [ -d "$home/pids" ] || return 0
  for f in "$home"/pids/*.pid; do
    [ -e "$f" ] || continue
    pid="$(cat "$f")"
    # Executors are children of the workers: end the whole process group.
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    rm -f "$f"
  done
  sleep 1
}

wait_for_port() {
  local p="$1" n=0
  until (echo > "/dev/tcp/127.0.0.1/$p") 2>/dev/null; do
    n=$((n + 1)); [ "$n" -gt 120 ] && { echo "standalone.sh: nothing listens on 127.0.0.1:$p after 60 s (see $home/logs)" >&2; return 1; }
    sleep 0.5
  done
}

case "$cmd" in
  start)
    stop_all
    mkdir -p "$home/jars" "$home/logs" "$home/pids" "$home/work"
    rm -f "$home"/jars/*.jar
    if [ -z "$jars" ]; then
      [ -f "$HG_HOME/driver/target/hypergrad.jar" ] || { echo "standalone.sh: build first (deploy/bin/hypergrad build)" >&2; exit 2; }
      ln -sf "$HG_HOME"/driver/target/lib/*.jar "$home/jars/"
      ln -sf "$HG_HOME/driver/target/hypergrad.jar" "$home/jars/"
    else
      ln -sf "$jars"/*.jar "$home/jars/"
    fi
    cp_="$home/jars/*"
    # shellcheck disable=SC2086
    setsid java $opens -cp "$cp_" org.apache.spark.deploy.master.Master \
      --host 127.0.0.1 --port "$port" --webui-port 0 > "$home/logs/master.log" 2>&1 &
    echo $! > "$home/pids/master.pid"
    wait_for_port "$port"
    for i in $(seq 1 "$workers"); do
      # shellcheck disable=SC2086
      setsid java $opens -cp "$cp_" org.apache.spark.deploy.worker.Worker \
        --host 127.0.0.1 --cores "$cores" --memory "$memory" --webui-port 0 \
        --work-dir "$home/work/worker-$i" "spark://127.0.0.1:$port" > "$home/logs/worker-$i.log" 2>&1 &
      echo $! > "$home/pids/worker-$i.pid"
    done
    # A worker is ready once the master logged its registration.
    n=0
    until [ "$(grep -c 'Registering worker' "$home/logs/master.log" 2>/dev/null || true)" -ge "$workers" ]; do
      n=$((n + 1)); [ "$n" -gt 120 ] && { echo "standalone.sh: workers did not register in 60 s (see $home/logs)" >&2; stop_all; exit 4; }
      sleep 0.5
    done
    echo "spark://127.0.0.1:$port"
    ;;
  stop) stop_all; echo "stopped" ;;
  *) echo "usage: standalone.sh start|stop [--home DIR] [--jars DIR] [--port P] [--workers N] [--cores C]" >&2; exit 2 ;;
esac
