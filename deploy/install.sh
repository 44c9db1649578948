#!/usr/bin/env bash
# Installs Spool on a VM: the jar and launcher under /opt/spool, the spool system user, the
# config directory /etc/spool, and the systemd units. Idempotent; run as root.
#
#   deploy/install.sh [--jar PATH] [--spool DIR] [--workers N] [--coordinator] [--root DIR]
#
# --root DIR installs into a staging tree (packaging, tests): no user is created and systemd is
# not touched.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
jar="$here/target/spool.jar"
spool_dir=/srv/spool
workers=1
coordinator=0
root=""

while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar=$2; shift 2 ;;
    --spool) spool_dir=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --coordinator) coordinator=1; shift ;;
    --root) root=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

[ -f "$jar" ] || { echo "install.sh: $jar not found; build with: mvn -B -ntp -DskipTests package" >&2; exit 1; }
case "$workers" in ''|*[!0-9]*) echo "install.sh: --workers needs a number" >&2; exit 2 ;; esac

install -d -m 0755 "$root/opt/spool/bin" "$root/opt/spool/lib" "$root/etc/spool" "$root/etc/systemd/system"
install -m 0644 "$jar" "$root/opt/spool/lib/spool.jar"
install -m 0755 "$here/bin/spool" "$root/opt/spool/bin/spool"

# Units: the spool path in them follows --spool.
for unit in spool-worker@.service spool-coordinator.service; do
  sed "s#/srv/spool#$spool_dir#g" "$here/systemd/$unit" > "$root/etc/systemd/system/$unit"
  chmod 0644 "$root/etc/systemd/system/$unit"
done

# One config per worker instance, never overwritten once an operator edited it.
for i in $(seq 1 "$workers"); do
  cfg="$root/etc/spool/worker-$i.yaml"
  if [ ! -f "$cfg" ]; then
    sed "s#^spool: .*#spool: $spool_dir#" "$here/examples/worker.yaml" > "$cfg"
    chmod 0640 "$cfg"
  fi
done

if [ -n "$root" ]; then
  echo "installed into $root (no user, no systemd changes)"
  exit 0
fi

if ! id spool >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/spool --shell /usr/sbin/nologin spool
fi
chgrp spool /etc/spool/worker-*.yaml
if [ ! -f "$spool_dir/spool.json" ]; then
  install -d -o spool -g spool -m 0770 "$spool_dir"
  runuser -u spool -- /opt/spool/bin/spool init "$spool_dir"
fi
systemctl daemon-reload
for i in $(seq 1 "$workers"); do
  systemctl enable --now "spool-worker@$i.service"
done
if [ "$coordinator" = 1 ]; then
  systemctl enable --now spool-coordinator.service
fi
echo "installed: $workers worker(s)$([ "$coordinator" = 1 ] && echo ' and the coordinator'); logs: journalctl -u 'spool-*'"
