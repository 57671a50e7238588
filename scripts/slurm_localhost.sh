#!/usr/bin/env bash
# A real single-node Slurm cluster on this machine, for testing the workflow's Slurm profile:
# installs Debian's slurm-wlm and munge if missing, writes a slurm.conf for this host into DIR,
# starts munged, slurmctld and slurmd. Prints `export SLURM_CONF=...` for the caller.
#   scripts/slurm_localhost.sh start DIR     scripts/slurm_localhost.sh stop DIR
set -euo pipefail
action=${1:?start|stop}
dir=$(realpath -m "${2:?state directory}")

# Snakemake's slurm-jobstep executor runs each rule with a nested `srun` whose environment has every
# SLURM_* variable removed, SLURM_CONF included: srun then reads the default path, so the generated
# config is linked there (only when no Slurm is configured on this machine already; removed at stop).
default_conf=/etc/slurm/slurm.conf

if [ "$action" = stop ]; then
  for pidfile in "$dir"/slurmd.pid "$dir"/slurmctld.pid "$dir"/munged.pid; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  [ "$(readlink "$default_conf" 2>/dev/null)" = "$dir/slurm.conf" ] && rm -f "$default_conf"
  exit 0
fi

need=()
for tool in slurmctld slurmd munged sbatch squeue; do command -v $tool >/dev/null || need=(slurm-wlm munge); done
if ((${#need[@]})); then
  sudo=$([ "$(id -u)" = 0 ] || echo sudo)
  $sudo apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${need[@]}" >/dev/null
fi

mkdir -p "$dir"/{spool,state,munge,log}
chmod 700 "$dir/munge"
[ -f "$dir/munge/munge.key" ] || { dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none; chmod 400 "$dir/munge/munge.key"; }
munged --key-file "$dir/munge/munge.key" --socket "$dir/munge/munge.socket" \
       --pid-file "$dir/munged.pid" --log-file "$dir/log/munged.log" --seed-file "$dir/munge/seed" --force

host=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
cat > "$dir/slurm.conf" <<EOF
ClusterName=lmboot-test
SlurmctldHost=$host
SlurmUser=$(id -un)
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
PartitionName=gpu Nodes=$host MaxTime=INFINITE State=UP
EOF
[ -L "$default_conf" ] && [ ! -e "$default_conf" ] && rm -f "$default_conf"  # left by an earlier run, killed
if [ -e "$default_conf" ] && [ "$(readlink "$default_conf")" != "$dir/slurm.conf" ]; then
  echo "slurm_localhost.sh: $default_conf exists: a Slurm is configured on this machine already; use it" >&2
  exit 1
fi
mkdir -p "$(dirname "$default_conf")"
ln -sfn "$dir/slurm.conf" "$default_conf"
export SLURM_CONF="$dir/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 30); do sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)' && break; sleep 1; done
sinfo -h -o "%P %T %c %m" >&2
echo "export SLURM_CONF=$SLURM_CONF"
