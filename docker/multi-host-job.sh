#!/usr/bin/env bash
# The job of docker/compose.yaml's multi-host profile (service kafka-job): synthetic task records through Kafka to the
# hosts' bridges, and an exact check of the results topic. Also runs outside Docker (TASKQ=bin/taskq, with the
# Kafka settings in TASKQ_CONFIG or TASKQ_KAFKA_BOOTSTRAP).
#
#   multi-host-job.sh run N TIMEOUT [JOB]   the results topic must hold no outcome yet; then
#                                           `taskq kafka produce --count N --job JOB` (keys JOB-0 .. JOB-(N-1)),
#                                           `taskq kafka results --expect N --timeout TIMEOUT` (the global join),
#                                           and the check below on what it read
#   multi-host-job.sh verify N [JOB]        the check alone, on what the results topic holds now
#
# The check: exactly N outcomes, one for each key JOB-0 .. JOB-(N-1), each `ok` with the example handler's answer for
# its record (value = i mod 1000 + 1, payload = i; `kafka produce --count` sends value i mod 1000, payload i * 0.5).
# It prints how the outcomes were shared between the hosts and a VERIFIED line, and exits 0; otherwise it prints
# NOT VERIFIED with the first fault and exits 1. A failed taskq command keeps its exit code (3: the join timed out).
set -euo pipefail
TASKQ=${TASKQ:-/opt/taskq/bin/taskq}

usage() { echo "usage: $0 run N TIMEOUT [JOB] | verify N [JOB]" >&2; exit 2; }
[ $# -ge 2 ] || usage
mode=$1
count=$2
[[ $count =~ ^[1-9][0-9]{0,8}$ ]] || { echo "$0: N=$count: must be 1..999999999" >&2; exit 2; }
case $mode in
  run) [ $# -ge 3 ] && [ $# -le 4 ] || usage; timeout=$3; job=${4:-compose} ;;
  verify) [ $# -le 3 ] || usage; job=${3:-compose} ;;
  *) usage ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Reads the results topic into $work/$1.jsonl with `taskq kafka results --json` and the options that follow; stops
# this script with taskq's exit code if it fails.
read_results() {
  local name=$1 code=0
  shift
  "$TASKQ" kafka results --json "$@" > "$work/$name.jsonl" || code=$?
  [ "$code" = 0 ] || { echo "NOT VERIFIED: taskq kafka results $* exited with $code"; exit "$code"; }
}

# The exact check of $work/$1.jsonl: N outcomes, one per key, each the right answer; a summary per host.
check() {
  awk -v n="$count" -v job="$job" '
    function fault(why) { if (first == "") first = why }
    function number(name,    m) {
      if (!match($0, "\"" name "\":-?[0-9][-+0-9.Ee]*")) return "none"
      return substr($0, RSTART + length(name) + 3, RLENGTH - length(name) - 3)
    }
    function text(name) {
      if (!match($0, "\"" name "\":\"[^\"]*\"")) return ""
      return substr($0, RSTART + length(name) + 4, RLENGTH - length(name) - 5)
    }
    function grouped(v,    s) {
      s = sprintf("%d", v)
      while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
      return s
    }
    {
      outcomes++
      key = text("key")
      hosts[text("host")]++
      i = substr(key, length(job) + 2)
      if (substr(key, 1, length(job) + 1) != job "-" || i !~ /^(0|[1-9][0-9]*)$/ || i + 0 >= n)
        fault("an outcome for a key this job did not send: " key)
      else if (i in seen)
        fault("a second outcome for " key)
      else if (text("status") != "ok" || number("value") + 0 != (i % 1000) + 1 || number("payload") + 0 != i + 0)
        fault("a wrong outcome for " key ": " $0)
      else
        seen[i] = 1
    }
    END {
      printf "%-12s %12s %8s\n", "host", "outcomes", "share"
      for (h in hosts) printf "%-12s %12s %7.1f%%\n", h, grouped(hosts[h]), 100 * hosts[h] / outcomes
      printf "%-12s %12s\n", "total", grouped(outcomes)
      if (first == "" && outcomes != n) first = grouped(outcomes) " outcomes for " grouped(n) " task records"
      if (first != "") { print "NOT VERIFIED: " first; exit 1 }
      print "VERIFIED: " grouped(n) " task records, exactly one outcome each in the results topic, each the right " \
            "answer for its record."
    }' "$work/$1.jsonl"
}

if [ "$mode" = verify ]; then
  read_results now
  check now
  exit
fi

# An outcome already there is an earlier job's: its keys would count towards --expect N. Each job starts on a fresh
# broker volume (docker compose --profile multi-host down -v).
read_results before
if [ -s "$work/before.jsonl" ]; then
  echo "NOT VERIFIED: the results topic already holds $(wc -l < "$work/before.jsonl") outcomes of an earlier job;" \
       "remove the volumes first (docker compose --profile multi-host down -v)"
  exit 1
fi
"$TASKQ" kafka produce --count "$count" --job "$job"
read_results after --expect "$count" --timeout "$timeout"
check after
