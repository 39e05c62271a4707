#!/usr/bin/env bash
# Smoke test of docker/compose.yaml with a real Docker engine, on a machine that reaches Debian's package mirror
# but no image registry. It:
#   1. installs Debian's docker.io and debootstrap if missing, and a compose v2 CLI plugin (unpacked from the
#      newer Debian release's docker-compose package into a private DOCKER_CONFIG);
#   2. checks the compose file statically (docker compose config -q);
#   3. starts dockerd by hand on a private socket, data root and exec root, with no bridge and no iptables rules
#      (every service runs with network_mode: none);
#   4. builds the JDK base image offline (debootstrap bookworm + openjdk-17-jdk-headless), imports it and tags it
#      as the Dockerfile's base; the root file system is cached between runs in $SMOKE_TEST_CACHE;
#   5. builds the jars and the image, runs `docker compose up` and checks the job's exact totals;
#   6. runs again with --scale consumer=5, kills one consumer container mid-run, starts it again (it takes the dead
#      consumer's slot with --index auto and resumes its batch), and checks the exact totals;
#   7. runs the multi-host profile once: a development broker, host-a and host-b (a bridge and 2 consumers each, each
#      host its own volume) and kafka-job; kills host-a's bridge and consumers with SIGKILL mid-run, so host-b takes
#      over its partitions; checks that kafka-job verified exactly one right outcome per record from both hosts, and,
#      once host-b's bridge has stopped, that the whole results topic still holds exactly that;
#   8. tears everything down (also on failure): containers, volumes, images, then dockerd by its pid, its mounts,
#      and any docker0 bridge or DOCKER iptables chain that was not there before.
# Exit 0 when it passed, or after printing `SKIPPED: <reason>` when this machine cannot run a Docker engine at all;
# any other failure exits non-zero. Needs root. Run it from anywhere: docker/smoke-test.sh
set -euo pipefail
unset CDPATH
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
COMPOSE_FILE=$ROOT/docker/compose.yaml
CACHE=${SMOKE_TEST_CACHE:-/var/cache/taskq-docker}
# Bump when the recipe of the base image changes, so a stale cached root file system is not reused.
BASE_VERSION=bookworm-openjdk17-1
BASE_TAR=$CACHE/base-$BASE_VERSION.tar
BASE_IMAGE=eclipse-temurin:17-jdk
RUN1_TASKS=200000
RUN2_TASKS=600000
RUN2_RATE=10000          # paced: the stream stays open ~60 s, so the killed consumer is back before it ends
RUN3_TASKS=300000        # enough for a few probes of host-a's progress (a JVM each) while the records flow
RUN3_KILL_AT=10000       # host-a's finished tasks from which its containers are killed
START=$SECONDS

step() { printf '== docker smoke [%3ds]: %s\n' "$((SECONDS - START))" "$*" >&2; }
fail() { printf 'docker smoke test FAILED: %s\n' "$*" >&2; exit 1; }
skip() { printf 'SKIPPED: %s\n' "$*"; SKIPPED=1; exit 0; }

# Polls "$@" every half second until it succeeds or $1 seconds pass.
await() {
  local seconds=$1; shift
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

[ "$(id -u)" -eq 0 ] || skip "needs root to install packages and start dockerd (running as $(id -un))"
[ "$(uname -s)" = Linux ] || skip "a Docker engine needs Linux (this is $(uname -s))"

W=$(mktemp -d /tmp/taskq-docker-smoke.XXXXXX)
SKIPPED=0
DOCKERD_PID=
PROC_MOUNT=
had_docker0=0; ip link show docker0 > /dev/null 2>&1 && had_docker0=1
# dockerd 20.10 writes its trust key to /etc/docker/key.json whatever its data root; remove it if it is ours.
had_key=0; [ -e /etc/docker/key.json ] && had_key=1
had_etc=0; [ -d /etc/docker ] && had_etc=1
had_chain=0; command -v iptables > /dev/null && iptables -w -t filter -S DOCKER > /dev/null 2>&1 && had_chain=1
export DOCKER_CONFIG=$W/cfg DOCKER_HOST=unix://$W/docker.sock
export COMPOSE_FILE COMPOSE_PROJECT_NAME=taskq-smoke
# A context chosen by the caller would point the CLI at another engine; DOCKER_HOST names ours.
unset DOCKER_CONTEXT

teardown() {
  local status=$?
  set +e
  trap - EXIT INT TERM
  if [ -n "$PROC_MOUNT" ] && mountpoint -q "$PROC_MOUNT"; then umount "$PROC_MOUNT"; fi
  if [ -n "$DOCKERD_PID" ] && kill -0 "$DOCKERD_PID" 2> /dev/null; then
    step "teardown: containers, volumes and images of the test"
    docker compose --profile tools --profile multi-host down --volumes --remove-orphans --rmi all --timeout 5 \
      > "$W/down.log" 2>&1 || cat "$W/down.log" >&2
    docker rm -f $(docker ps -aq) > /dev/null 2>&1
    docker image prune -af > /dev/null 2>&1
    step "teardown: stopping dockerd (pid $DOCKERD_PID)"
    kill -TERM "$DOCKERD_PID"
    if ! await 60 eval '! kill -0 "$DOCKERD_PID" 2> /dev/null'; then
      echo "dockerd (pid $DOCKERD_PID) did not stop in 60 s; killing it" >&2
      kill -KILL "$DOCKERD_PID"
      status=1
    fi
  fi
  # Whatever the engine mounted under its private roots (it unmounts them itself on a clean stop).
  awk -v w="$W/" 'index($2, w) == 1 {print $2}' /proc/self/mounts | sort -r | while read -r m; do umount -l "$m"; done
  if [ "$had_docker0" = 0 ] && ip link show docker0 > /dev/null 2>&1; then ip link delete docker0; fi
  if [ "$had_chain" = 0 ] && command -v iptables > /dev/null; then
    for table in filter nat; do
      for chain in DOCKER-USER DOCKER-ISOLATION-STAGE-2 DOCKER-ISOLATION-STAGE-1 DOCKER; do
        iptables -w -t "$table" -S "$chain" > /dev/null 2>&1 || continue
        iptables -w -t "$table" -S | awk -v c="$chain" '$1 == "-A" && $0 ~ "-j " c "( |$)" {sub("^-A", "-D"); print}' \
          | while read -r rule; do eval iptables -w -t "$table" "$rule"; done
        iptables -w -t "$table" -F "$chain"; iptables -w -t "$table" -X "$chain"
      done
    done
  fi
  if [ "$had_key" = 0 ] && [ -e /etc/docker/key.json ]; then
    rm -f /etc/docker/key.json
    [ "$had_etc" = 1 ] || rmdir /etc/docker 2> /dev/null
  fi
  rm -rf "$W"
  if [ "$status" -ne 0 ] && [ "$SKIPPED" = 0 ]; then
    printf 'docker smoke test FAILED (exit %d) after %ds\n' "$status" "$((SECONDS - START))" >&2
  fi
  exit "$status"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- 1. tools ----------------------------------------------------------------------------------------------
# The machine's own Debian mirror, from its apt sources (deb822 or one-line format); never a fixed host.
mirror() {
  local want=$1   # "security" or "main"
  { awk '/^URIs:/ {for (i = 2; i <= NF; i++) print $i}' /etc/apt/sources.list.d/*.sources 2> /dev/null
    awk '$1 == "deb" {for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; break}}' \
      /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2> /dev/null
  } | awk -v want="$want" \
      '/\/debian(-security)?\/?$/ { if ((want == "security") == ($0 ~ /debian-security\/?$/)) {print; exit} }' \
    || true   # a missing sources file is fine
}
MIRROR=$(mirror main)
SECURITY=$(mirror security)
[ -n "$MIRROR" ] || fail "no Debian mirror in /etc/apt/sources.list*; cannot install the engine or build the base image"

need=()
command -v dockerd > /dev/null || need+=(docker.io)
command -v debootstrap > /dev/null || [ -f "$BASE_TAR" ] || need+=(debootstrap)
if [ ${#need[@]} -gt 0 ]; then
  step "installing ${need[*]} from Debian"
  apt-get update -qq > "$W/apt.log" 2>&1 || { cat "$W/apt.log" >&2; fail "apt-get update failed"; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >> "$W/apt.log" 2>&1 \
    || { tail -30 "$W/apt.log" >&2; fail "apt-get install ${need[*]} failed"; }
else
  step "docker.io and debootstrap are installed"
fi
command -v docker > /dev/null || fail "no docker CLI after installing docker.io"

mkdir -p "$CACHE" "$DOCKER_CONFIG/cli-plugins"
if [ ! -x "$CACHE/cli-plugins/docker-compose" ]; then
  step "fetching the compose v2 plugin from Debian trixie's docker-compose package (private apt state)"
  a=$W/apt-trixie
  mkdir -p "$a/lists/partial" "$a/cache/archives/partial" "$a/deb"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR trixie main" > "$a/sources.list"
  opts=(-o "Dir::Etc::SourceList=$a/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a/cache" -o APT::Sandbox::User=root)
  apt-get "${opts[@]}" update -qq > "$W/apt-trixie.log" 2>&1 \
    && (cd "$a/deb" && apt-get "${opts[@]}" download docker-compose >> "$W/apt-trixie.log" 2>&1) \
    || { tail -20 "$W/apt-trixie.log" >&2; fail "could not download docker-compose from $MIRROR trixie"; }
  dpkg-deb -x "$a"/deb/docker-compose_*.deb "$a/x"
  mkdir -p "$CACHE/cli-plugins"
  install -m 0755 "$a/x/usr/libexec/docker/cli-plugins/docker-compose" "$CACHE/cli-plugins/docker-compose.tmp"
  mv "$CACHE/cli-plugins/docker-compose.tmp" "$CACHE/cli-plugins/docker-compose"
fi
cp "$CACHE/cli-plugins/docker-compose" "$DOCKER_CONFIG/cli-plugins/"
step "compose plugin: $(docker compose version)"

# ---- 2. static check -----------------------------------------------------------------------------------------
step "docker compose config -q (static check of docker/compose.yaml)"
docker compose --profile tools --profile multi-host config -q || fail "docker/compose.yaml does not validate"

# ---- 3. engine -----------------------------------------------------------------------------------------------
step "starting dockerd on $DOCKER_HOST (data root $W/data)"
dockerd --host "$DOCKER_HOST" --data-root "$W/data" --exec-root "$W/exec" --pidfile "$W/dockerd.pid" \
  --bridge none --iptables=false --ip-masq=false --ip-forward=false > "$W/dockerd.log" 2>&1 &
DOCKERD_PID=$!
if ! await 60 eval 'docker info > /dev/null 2>&1 || ! kill -0 "$DOCKERD_PID" 2> /dev/null' \
   || ! kill -0 "$DOCKERD_PID" 2> /dev/null || ! docker info > /dev/null 2>&1; then
  tail -15 "$W/dockerd.log" >&2
  reason=$(grep -E 'level=(fatal|error)' "$W/dockerd.log" | tail -1 | sed -E 's/.*msg="?([^"]*)"?.*/\1/')
  kill -0 "$DOCKERD_PID" 2> /dev/null || DOCKERD_PID=
  skip "this machine cannot start a Docker engine (dockerd: ${reason:-not ready after 60 s})"
fi
step "dockerd $(docker version --format '{{.Server.Version}}') runs as pid $DOCKERD_PID"

# ---- 4. base image -------------------------------------------------------------------------------------------
if [ ! -f "$BASE_TAR" ]; then
  rootfs=$W/rootfs
  step "building the base image's root file system: debootstrap bookworm from $MIRROR"
  debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" > "$W/debootstrap.log" 2>&1 \
    || { tail -20 "$W/debootstrap.log" >&2; fail "debootstrap failed"; }
  { echo "deb $MIRROR bookworm main"; echo "deb $MIRROR bookworm-updates main"
    [ -z "$SECURITY" ] || echo "deb $SECURITY bookworm-security main"; } > "$rootfs/etc/apt/sources.list"
  printf '#!/bin/sh\nexit 101\n' > "$rootfs/usr/sbin/policy-rc.d"; chmod 0755 "$rootfs/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
  PROC_MOUNT=$rootfs/proc
  mount -t proc proc "$PROC_MOUNT"
  step "installing openjdk-17-jdk-headless in it"
  { chroot "$rootfs" apt-get update -qq \
      && chroot "$rootfs" env DEBIAN_FRONTEND=noninteractive \
           apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless \
      && chroot "$rootfs" apt-get clean; } > "$W/jdk.log" 2>&1 \
    || { tail -20 "$W/jdk.log" >&2; fail "installing openjdk-17-jdk-headless in the base image failed"; }
  umount "$PROC_MOUNT"; PROC_MOUNT=
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs/usr/sbin/policy-rc.d"
  : > "$rootfs/etc/resolv.conf"
  tar -C "$rootfs" -cf "$BASE_TAR.tmp" . && mv "$BASE_TAR.tmp" "$BASE_TAR"
  rm -rf "$rootfs"
  step "cached the base root file system in $BASE_TAR ($(du -h "$BASE_TAR" | cut -f1))"
else
  step "using the cached base root file system $BASE_TAR"
fi
docker import --change 'ENV LANG=C.UTF-8' "$BASE_TAR" local/debian-jdk17:$BASE_VERSION > /dev/null
docker tag local/debian-jdk17:$BASE_VERSION "$BASE_IMAGE"
step "base image $BASE_IMAGE: $(docker run --rm --network none "$BASE_IMAGE" java -version 2>&1 | head -1)"

# ---- 5. first job --------------------------------------------------------------------------------------------
step "./mvnw -B package (the jars the image copies: the cli's and the development broker's)"
(cd "$ROOT" && ./mvnw -B -q -pl cli,kafka-broker -am package -DskipTests) > "$W/mvn.log" 2>&1 \
  || { tail -30 "$W/mvn.log" >&2; fail "the Maven build failed"; }
step "docker compose build"
docker compose build > "$W/build.log" 2>&1 || { tail -30 "$W/build.log" >&2; fail "docker compose build failed"; }

# Prints the id of the producer container once it exists.
producer_id() { docker compose ps -aq producer; }

# Waits for the producer of the current job to exit; fails unless it exited 0 having verified the totals.
await_producer() {
  local id code
  await 60 eval '[ -n "$(producer_id)" ]' || fail "no producer container was created"
  id=$(producer_id)
  await "$1" eval '[ "$(docker inspect -f "{{.State.Status}}" "$id")" = exited ]' \
    || { docker compose logs --tail 20 >&2; fail "the producer did not finish within $1 s"; }
  code=$(docker inspect -f '{{.State.ExitCode}}' "$id")
  docker logs "$id" 2> /dev/null | sed 's/^/   producer: /' >&2     # its stdout: the summary lines
  [ "$code" = 0 ] || { docker compose logs --tail 30 >&2; fail "the producer exited with $code (not verified)"; }
  docker logs "$id" 2> /dev/null | grep -q '^VERIFIED: ' || fail "the producer did not print VERIFIED"
}

# Waits for every consumer container to exit and checks they exited 0.
await_consumers() {
  await 120 eval '[ -z "$(docker compose ps -q consumer)" ]' || fail "consumers still running 120 s after the producer"
  local id code
  for id in $(docker compose ps -aq consumer); do
    code=$(docker inspect -f '{{.State.ExitCode}}' "$id")
    [ "$code" = 0 ] || { docker logs --tail 30 "$id" >&2; fail "consumer container $id exited with $code"; }
  done
}

# Checks `status --json` from the status service: exact closed-form totals for $1 tasks over $2 slots.
check_totals() {
  local n=$1 slots=$2 json value payload
  json=$(docker compose run --rm status --json 2> "$W/status.err") \
    || { cat "$W/status.err" >&2; fail "status --json failed"; }
  value=$(( (n / 1000) * 500500 + (n % 1000) * (n % 1000 + 1) / 2 ))
  payload="$(( n * (n - 1) / 2 )).0"
  for want in "\"submitted\":$n," "\"done\":$n," "\"watermark\":$n," "\"sealed\":true," "\"allDone\":true," \
              "\"sumValue\":$value," "\"sumPayload\":$payload,"; do
    [[ $json == *"$want"* ]] || fail "status --json lacks $want: $json"
  done
  local used
  used=$(grep -o '"index":[0-9]*' <<< "$json" | sort -u | wc -l)
  [ "$used" = "$slots" ] || fail "expected $slots slots used, status shows $used: $json"
  step "status --json: $n tasks done exactly once over $used slots; sumValue $value, sumPayload $payload (closed form)"
}

step "job 1: docker compose up ($RUN1_TASKS tasks, 3 consumers; the producer waits until all 3 hold a slot)"
JOB_TASKS=$RUN1_TASKS docker compose up -d > "$W/up1.log" 2>&1 \
  || { cat "$W/up1.log" >&2; fail "docker compose up failed"; }
await_producer 300
await_consumers
check_totals "$RUN1_TASKS" 3
docker compose run --rm status 2> /dev/null | sed 's/^/   status: /' >&2
# Into a file before grep -q: a grep -q that ends the pipe early would fail the writer, and pipefail the check.
docker compose run --rm tail -m 1 > "$W/tail1.log" 2> /dev/null || fail "tail -m 1 failed"
grep -q 'endOfStream' "$W/tail1.log" || fail "tail -m 1 did not show the end of stream"
step "tail -m 1 shows the end-of-stream excerpt"
docker compose down --volumes --timeout 5 > /dev/null 2>&1 || fail "docker compose down failed"

# ---- 6. second job: five consumers, one killed mid-run ------------------------------------------------------
step "job 2: JOB_CONSUMERS=5 docker compose up --scale consumer=5 ($RUN2_TASKS tasks at $RUN2_RATE/s)"
# The producer puts its first task once all five consumers hold a slot (--wait-consumers), so that the kill below
# lands mid-run even on a machine where JVMs start slowly.
JOB_CONSUMERS=5 JOB_TASKS=$RUN2_TASKS JOB_RATE=$RUN2_RATE docker compose up -d --scale consumer=5 > "$W/up2.log" 2>&1 \
  || { cat "$W/up2.log" >&2; fail "docker compose up --scale consumer=5 failed"; }
status_json() { docker compose run --rm status --json 2> /dev/null; }
# Kill a consumer while tasks flow, in the first half of the job. The others keep their slots until the stream
# ends, so the restarted consumer's lowest free slot is the one it held before.
mid_run() {
  local json
  json=$(status_json) || return 1
  [[ $json == *'"sealed":false'* ]] && [[ $json =~ \"done\":([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -gt 10000 ] \
    && [ "${BASH_REMATCH[1]}" -lt $((RUN2_TASKS / 2)) ]
}
await 180 mid_run || { docker compose logs --tail 20 >&2; fail "the job never got under way with the stream open"; }
victim=$(docker compose ps -q consumer | sed -n 3p)
step "docker kill ${victim:0:12} (one of five consumers, mid-run)"
docker kill "$victim" > /dev/null
[ "$(docker inspect -f '{{.State.ExitCode}}' "$victim")" = 137 ] || fail "the killed consumer did not die by SIGKILL"
step "docker start ${victim:0:12}: the restarted consumer takes the dead slot (--index auto) and resumes"
docker start "$victim" > /dev/null
await_producer 300
await_consumers
docker logs "$victim" 2>&1 | grep -E 'taken by --index auto|resuming|^slot ' \
  | sed 's/^.*\] TaskConsumer - //; s/^/   killed and restarted consumer: /' >&2
taken=$(docker logs "$victim" 2>&1 | sed -n 's/.*Slot \([0-9]*\): taken by --index auto.*/\1/p' | sort -u)
[ "$(wc -w <<< "$taken")" = 1 ] \
  || fail "the restarted consumer did not take the slot its first run held (slots: $taken)"
check_totals "$RUN2_TASKS" 5
docker compose down --volumes --timeout 5 > /dev/null 2>&1 || fail "docker compose down failed"

# ---- 7. the multi-host profile: a broker, two hosts, one of them killed mid-run -----------------------------
# The profile's services use the host's network, with the broker on 127.0.0.1: pick a port nothing listens on.
KAFKA_PORT=19092
while [ -n "$(ss -Hltn "sport = :$KAFKA_PORT")" ]; do KAFKA_PORT=$((KAFKA_PORT + 1)); done
export KAFKA_PORT
# The commands below that name no service of the profile's job need the profile; `up kafka-job` does not.
multi_host() { docker compose --profile multi-host "$@"; }
multi_host_logs() { multi_host logs --tail "$1" >&2; }
step "job 3: docker compose up -d kafka-job (multi-host profile: broker on 127.0.0.1:$KAFKA_PORT, host-a and host-b" \
     "with a bridge and 2 consumers each, $RUN3_TASKS task records)"
# Naming kafka-job starts its profile and its dependencies only, not the single-host job.
JOB_TASKS=$RUN3_TASKS JOB_TIMEOUT=10m docker compose up -d kafka-job > "$W/up3.log" 2>&1 \
  || { cat "$W/up3.log" >&2; multi_host_logs 20; fail "docker compose up kafka-job failed"; }
[ -z "$(docker compose ps -aq producer consumer)" ] || fail "the multi-host profile started the single-host job too"
job_id=$(multi_host ps -aq kafka-job)
[ -n "$job_id" ] || fail "no kafka-job container was created"
# Mid-run: host-a has finished RUN3_KILL_AT tasks, from status --json of its data directory (run inside one of its
# consumer containers), its bridge has committed outcomes to the results topic, and the job still waits for outcomes.
# Without the second condition a kill could come before host-a's first transaction of outcomes, and the check
# "outcomes from both hosts" below would fail although nothing went wrong. What the topic holds is followed by one
# global join started now in the job's container (`kafka results --json --expect N`, printing each outcome as it is
# committed), so that a probe is a grep and not a JVM reading the topic: the records go through in seconds once the
# bridges are up. Its bridge keeps up with its consumers, so a snapshot of the host usually shows nothing pending;
# what the kill cuts off is the bridge's work in flight: records taken and not put, outcomes not yet published,
# offsets not yet committed.
docker exec "$job_id" /opt/taskq/bin/taskq kafka results --json --expect "$RUN3_TASKS" --timeout 10m \
  > "$W/outcomes3.jsonl" 2> "$W/outcomes3.err" &
outcomes_reader=$!
host_a_published() { grep -q -m 1 '"host":"host-a"' "$W/outcomes3.jsonl"; }
host_a_mid_run() {
  local json consumer
  host_a_published || return 1
  consumer=$(multi_host ps -q host-a-consumer | head -1)
  [ -n "$consumer" ] || return 1
  json=$(docker exec "$consumer" /opt/taskq/bin/taskq status --json 2> /dev/null) || return 1
  [[ $json =~ \"submitted\":([0-9]+) ]] || return 1
  local submitted=${BASH_REMATCH[1]}
  [[ $json =~ \"done\":([0-9]+) ]] || return 1
  local done=${BASH_REMATCH[1]}
  [ "$done" -ge $RUN3_KILL_AT ] \
    && step "host-a: $submitted tasks put by its bridge, $done done, outcomes of host-a in the results topic"
}
await 300 host_a_mid_run || { multi_host_logs 20; tail -3 "$W/outcomes3.err" >&2
  fail "host-a never got $RUN3_KILL_AT tasks done and outcomes in the results topic"; }
victims=$(multi_host ps -q host-a-bridge host-a-consumer)
[ "$(wc -w <<< "$victims")" = 3 ] || fail "expected host-a's bridge and 2 consumers running, found: $victims"
[ "$(docker inspect -f '{{.State.Status}}' "$job_id")" = running ] \
  || fail "kafka-job ended before the kill ($RUN3_TASKS records went through too fast to kill a host mid-run)"
step "docker kill host-a's bridge and 2 consumers (SIGKILL, mid-run); host-b takes its partitions over"
docker kill $victims > /dev/null || fail "docker kill of host-a's containers failed"
for id in $victims; do
  [ "$(docker inspect -f '{{.State.ExitCode}}' "$id")" = 137 ] \
    || fail "host-a container ${id:0:12} did not die by SIGKILL"
done
await 600 eval '[ "$(docker inspect -f "{{.State.Status}}" "$job_id")" = exited ]' \
  || { multi_host_logs 20; fail "kafka-job did not finish within 600 s"; }
wait "$outcomes_reader" || true # done: it read every key, or it ended with the job's container
# Its stdout, into a file first: `grep -q` on a pipe may end the writer early, which pipefail would count.
docker logs "$job_id" 2> /dev/null > "$W/job3.log"
sed 's/^/   kafka-job: /' "$W/job3.log" >&2
code=$(docker inspect -f '{{.State.ExitCode}}' "$job_id")
[ "$code" = 0 ] || { multi_host_logs 30; fail "kafka-job exited with $code (not verified)"; }
grep -q "^VERIFIED: " "$W/job3.log" || fail "kafka-job did not print VERIFIED"
for host in host-a host-b; do
  grep -q "^$host " "$W/job3.log" || fail "no outcome from $host in the results topic"
done
step "kafka-job verified: one right outcome per record, from both hosts"
# A bridge that stopped with an error was started again (restart: on-failure); say so, with its error, rather than
# let it pass unseen.
for service in host-a-bridge host-b-bridge; do
  for id in $(multi_host ps -aq "$service"); do
    restarts=$(docker inspect -f '{{.RestartCount}}' "$id")
    [ "$restarts" = 0 ] || step "note: $service was restarted $restarts times after an error:" \
      "$(docker logs "$id" 2>&1 | grep -E '^taskq bridge: ' | head -3 | tr '\n' ' ')"
  done
done
# What the job's join read was the topic up to its last key; once the surviving bridge has committed what it had and
# left, nothing more may come: the whole topic still holds exactly one right outcome per record.
multi_host stop --timeout 30 host-b-bridge > /dev/null 2>&1 || fail "docker compose stop host-b-bridge failed"
multi_host run --rm --no-deps kafka-job verify "$RUN3_TASKS" > "$W/verify3.log" 2>&1 \
  || { cat "$W/verify3.log" >&2; fail "the results topic, read again after the last bridge stopped, did not verify"; }
grep -q "^VERIFIED: " "$W/verify3.log" || { cat "$W/verify3.log" >&2; fail "the second read printed no VERIFIED"; }
step "the whole results topic, read again after host-b's bridge stopped:" \
     "$(grep '^total' "$W/verify3.log" | tr -s ' ') outcomes, exactly one right outcome per record"
multi_host down --volumes --timeout 10 > /dev/null 2>&1 \
  || fail "docker compose --profile multi-host down failed"

step "passed in $((SECONDS - START)) s"
