#!/usr/bin/env bash
# Several "hosts" sharing one spool over a real network file system, on one machine:
#
#   sshfs-hosts.sh up DIR N      a server namespace runs sshd on an address that exists only inside
#                                the namespaces and serves DIR/export; N client namespaces each mount
#                                it with sshfs on DIR/hostI (I = 1..N), caches on (see CACHE below).
#                                Prints one line per host: "host I NAMESPACE MOUNTPOINT".
#   sshfs-hosts.sh down DIR      unmounts, stops sshd, deletes the namespaces and veths. Idempotent;
#                                also undoes a half-finished "up" (every resource is recorded in
#                                DIR/hosts.state before it is created).
#
# Only network namespaces are separate: the mounts live in the caller's mount namespace, so a
# process started with "ip netns exec NAMESPACE ..." sees every mount but reaches sshd only over its
# own veth. Keys are generated per run in DIR/keys. Needs root, iproute2, openssh-server,
# openssh-client and sshfs; exits 77 with the reason on stderr when one is missing.
#
# CACHE: each client mount caches like an NFS client (the defaults of nfs(5) are acregmin=3s for
# attributes and a dentry cache that also remembers missing names): sshfs's own cache of
# attributes and directory listings (dir_cache, dcache_timeout) and the kernel's FUSE caches of
# attributes, names and missing names (attr_timeout, entry_timeout, negative_timeout). Another
# host's change is seen only once the entry expired; a host's own change invalidates its cache.
set -euo pipefail

CACHE=${SPOOL_SSHFS_CACHE:-dir_cache=yes,dcache_timeout=3,attr_timeout=3,entry_timeout=3,negative_timeout=3}
PORT=2222

usage() {
  echo "usage: $0 up DIR N | down DIR" >&2
  exit 2
}

record() { echo "$1" >>"$DIR/hosts.state"; }

down() {
  set +e
  [ -f "$DIR/hosts.state" ] || return 0
  # Mounts first (a mount whose sshd is gone hangs its users until the ssh connection times out),
  # then sshd, then the namespaces (deleting one deletes its end of each veth, and so the pair).
  grep '^mount ' "$DIR/hosts.state" | while read -r _ m; do
    if mountpoint -q "$m"; then
      timeout 20 fusermount3 -u "$m" 2>/dev/null || timeout 20 umount -l "$m"
    fi
  done
  grep '^sshd ' "$DIR/hosts.state" | while read -r _ pidfile; do
    if [ -s "$pidfile" ]; then
      pid=$(cat "$pidfile")
      kill "$pid" 2>/dev/null
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null
    fi
  done
  grep '^veth ' "$DIR/hosts.state" | while read -r _ v; do ip link del "$v" 2>/dev/null; done
  grep '^netns ' "$DIR/hosts.state" | while read -r _ n; do ip netns del "$n" 2>/dev/null; done
  rm -f "$DIR/hosts.state"
  return 0
}

missing() {
  echo "sshfs-hosts: $1" >&2
  exit 77
}

up() {
  local n=$1
  [ "$(id -u)" = 0 ] || missing "needs root (network namespaces, FUSE mounts as root)"
  for tool in ip sshfs ssh ssh-keygen fusermount3 mountpoint timeout; do
    command -v "$tool" >/dev/null 2>&1 || missing "$tool not installed"
  done
  [ -x /usr/sbin/sshd ] || missing "/usr/sbin/sshd not installed (openssh-server)"
  [ -e /dev/fuse ] || missing "/dev/fuse absent"
  mkdir -p "$DIR"
  [ ! -e "$DIR/hosts.state" ] || { echo "sshfs-hosts: $DIR is already up" >&2; exit 1; }
  : >"$DIR/hosts.state"
  trap 'echo "sshfs-hosts: set-up failed at line $LINENO; tearing down" >&2; down; exit 1' ERR
  # Namespace and interface names must be unique on the machine (interfaces: 15 characters).
  local tag=$((($$ + RANDOM) % 100000))
  while ip netns list | grep -q "^spool-$tag-"; do tag=$(((tag + 1) % 100000)); done
  local srv=spool-$tag-srv
  ip netns add "$srv" 2>/dev/null || missing "cannot create a network namespace (ip netns add)"
  record "netns $srv"
  ip -n "$srv" link set lo up
  rm -rf "$DIR/keys"
  mkdir -p "$DIR/export" "$DIR/keys" /run/sshd
  chmod 700 "$DIR/keys"
  ssh-keygen -q -t ed25519 -N '' -f "$DIR/keys/host" </dev/null
  ssh-keygen -q -t ed25519 -N '' -f "$DIR/keys/client" </dev/null
  cp "$DIR/keys/client.pub" "$DIR/keys/authorized_keys"
  chmod 600 "$DIR/keys/authorized_keys"
  local i listen=""
  for i in $(seq "$n"); do
    local ns=spool-$tag-h$i s=sp${tag}s$i c=sp${tag}c$i
    ip netns add "$ns"
    record "netns $ns"
    ip -n "$ns" link set lo up
    ip link add "$s" type veth peer name "$c"
    record "veth $s"
    ip link set "$s" netns "$srv"
    ip link set "$c" netns "$ns"
    # 192.0.2.0/24 (TEST-NET-1): one /30 per client, server .4i+1, client .4i+2
    ip -n "$srv" addr add "192.0.2.$((4 * i + 1))/30" dev "$s"
    ip -n "$ns" addr add "192.0.2.$((4 * i + 2))/30" dev "$c"
    ip -n "$srv" link set "$s" up
    ip -n "$ns" link set "$c" up
    listen+="ListenAddress 192.0.2.$((4 * i + 1)):$PORT"$'\n'
  done
  cat >"$DIR/keys/sshd_config" <<CONF
$listen
HostKey $DIR/keys/host
AuthorizedKeysFile $DIR/keys/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PidFile $DIR/keys/sshd.pid
Subsystem sftp internal-sftp
StrictModes no
MaxStartups 50
CONF
  record "sshd $DIR/keys/sshd.pid"
  # sshd daemonizes once it listens; it writes its pid file then.
  ip netns exec "$srv" /usr/sbin/sshd -f "$DIR/keys/sshd_config" -E "$DIR/sshd.log" </dev/null
  local ok=no
  for _ in $(seq 100); do
    if [ -s "$DIR/keys/sshd.pid" ] && ip netns exec "$srv" ss -ltn | grep -q ":$PORT "; then
      ok=yes
      break
    fi
    sleep 0.1
  done
  [ "$ok" = yes ] || { echo "sshfs-hosts: sshd did not listen within 10 s: $(tail -5 "$DIR/sshd.log")" >&2; false; }
  local opts="IdentityFile=$DIR/keys/client,StrictHostKeyChecking=no,UserKnownHostsFile=/dev/null"
  opts+=",BatchMode=yes,LogLevel=ERROR,port=$PORT,ConnectTimeout=10,ServerAliveInterval=5,$CACHE"
  for i in $(seq "$n"); do
    local ns=spool-$tag-h$i m=$DIR/host$i
    mkdir -p "$m"
    record "mount $m"
    # nsenter switches the network namespace only, so the mount is made in ours and every process
    # sees it. sshfs detaches once mounted; its output goes to a file, not to our caller's pipe.
    timeout 30 nsenter --net="/run/netns/$ns" \
      sshfs -o "$opts" "root@192.0.2.$((4 * i + 1)):$DIR/export" "$m" </dev/null >>"$DIR/sshfs.log" 2>&1 \
      || { echo "sshfs-hosts: sshfs mount on $ns failed: $(tail -5 "$DIR/sshfs.log")" >&2; false; }
    mountpoint -q "$m"
  done
  trap - ERR
  for i in $(seq "$n"); do
    echo "host $i spool-$tag-h$i $DIR/host$i"
  done
}

[ $# -ge 2 ] || usage
DIR=$(realpath -m "$2")
case "$1" in
  up) [ $# -eq 3 ] || usage; up "$3" ;;
  down) down ;;
  *) usage ;;
esac
