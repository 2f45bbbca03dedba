#!/usr/bin/env bash
# A single-node SLURM cluster on this machine, for trying `arrakis build --executor slurm`
# and for the tests: munged, slurmctld and slurmd (Debian's slurm-wlm and munge), run as the
# current user, with their configuration, state and logs in one directory.
#
#   scripts/slurm-local.sh start    start it (or say it is already up); prints the SLURM_CONF to export
#   scripts/slurm-local.sh stop     stop the daemons and remove the directory
#   scripts/slurm-local.sh status   exit 0 when it is up and its node idle or busy
#   scripts/slurm-local.sh env      print `export SLURM_CONF=...`
#   scripts/slurm-local.sh config   only write the configuration (no daemons: a cluster that is down,
#                                   for `arrakis build --dry-run --executor slurm` and its tests)
#
# Settings (environment): ARRAKIS_SLURM_DIR (default /tmp/arrakis-slurm-$UID),
# ARRAKIS_SLURM_CPUS (CPUs the node offers; default: this machine's cores),
# ARRAKIS_SLURM_PORT (slurmctld's port, default 6917; slurmd uses the next one).
#
# No slurmdbd: `sacct` has no accounting database here, so job records go to the job
# completion log ($ARRAKIS_SLURM_DIR/log/jobcomp.log: JobId, ArrayJobId, ArrayTaskId, JobState...).
# No cgroups either: processes are tracked by parentage (proctrack/linuxproc) and memory is
# watched by jobacct_gather/linux (OverMemoryKill, sampled once a second), which kills a job
# over its --mem (state FAILED, "exceeded memory limit" in its output); the kernel's cgroup
# OOM killer and the OUT_OF_MEMORY state of real clusters cannot be reproduced here.
set -euo pipefail

dir="${ARRAKIS_SLURM_DIR:-/tmp/arrakis-slurm-$(id -u)}"
port="${ARRAKIS_SLURM_PORT:-6917}"
conf="$dir/slurm.conf"
user="$(id -un)"
host="$(hostname -s)"

need() {
  for c in munged slurmctld slurmd sbatch squeue sinfo scontrol; do
    command -v "$c" >/dev/null || { echo "slurm-local: $c not found (scripts/install-deps.sh --test installs slurm-wlm and munge)" >&2; exit 1; }
  done
}

running() { # pid file -> running?
  [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

up() {
  running "$dir/slurmctld.pid" && running "$dir/slurmd.pid" && running "$dir/munged.pid" || return 1
  local state
  state="$(SLURM_CONF="$conf" sinfo -h -N -o %T 2>/dev/null | head -1)" || return 1
  case "$state" in idle*|mixed*|alloc*|allocated*|completing*) return 0 ;; *) return 1 ;; esac
}

start() {
  need
  if up; then
    echo "slurm-local: already up ($conf)" >&2
    echo "export SLURM_CONF=$conf"
    return 0
  fi
  stop quiet || true
  mkdir -p "$dir"/{munge,state,spool,log}
  chmod 700 "$dir" "$dir/munge"
  # A key of our own: the system's belongs to the munge user.
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 600 "$dir/munge/munge.key"
  local force=()
  [ "$(id -u)" -eq 0 ] && force=(--force)
  munged "${force[@]}" --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
    --pid-file="$dir/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munge.seed"

  write_config
  export SLURM_CONF="$conf"
  slurmctld -f "$conf" -i
  slurmd -f "$conf" -N "$host"
  for _ in $(seq 1 60); do
    if up; then
      echo "slurm-local: up ($cpus CPUs, ${mem} MB; logs in $dir/log)" >&2
      echo "export SLURM_CONF=$conf"
      return 0
    fi
    sleep 0.5
  done
  echo "slurm-local: the cluster did not come up; last log lines:" >&2
  tail -n 20 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" "$dir/log/munged.log" >&2 2>/dev/null || true
  exit 1
}

write_config() {
  mkdir -p "$dir"/{munge,state,spool,log}
  cpus="${ARRAKIS_SLURM_CPUS:-$(nproc)}"
  mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 9 / 10 ))
  cat > "$conf" <<EOF
# Written by scripts/slurm-local.sh: a one-node cluster for arrakis's tests.
ClusterName=arrakis-local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/slurmd-%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1,bf_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=256
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.log
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=task=1
JobAcctGatherParams=OverMemoryKill
MaxArraySize=1001
MaxJobCount=100000
MinJobAge=600
KillWait=5
InactiveLimit=0
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
}

stop() {
  local quiet="${1:-}"
  for d in slurmd slurmctld munged; do
    if running "$dir/$d.pid"; then
      kill "$(cat "$dir/$d.pid")" 2>/dev/null || true
      for _ in $(seq 1 50); do running "$dir/$d.pid" || break; sleep 0.1; done
      running "$dir/$d.pid" && kill -9 "$(cat "$dir/$d.pid")" 2>/dev/null || true
    fi
  done
  # Jobs still running when slurmd stopped are in their own process groups: end them too.
  if [ -d "$dir/spool" ]; then
    for f in "$dir"/spool/*/*.pid; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null || true; done
  fi
  rm -rf "$dir"
  [ -n "$quiet" ] || echo "slurm-local: stopped" >&2
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) up ;;
  env) echo "export SLURM_CONF=$conf" ;;
  config) if up; then echo "slurm-local: it is up; stop it first" >&2; exit 1; fi; write_config; echo "export SLURM_CONF=$conf" ;;
  *) echo "usage: $0 start|stop|status|env|config" >&2; exit 2 ;;
esac
