#!/usr/bin/env bash
# Installs the Debian packages the test suite uses, when they are missing. Safe to run again.
# Tests that need a tool which is still missing (no root, no network) skip with a printed reason.
set -uo pipefail

need=()
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
# The dashboard's browser tests (headless Chromium driven through chromedriver's WebDriver protocol)
# and the /metrics test (promtool's strict parser of the Prometheus text format).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
# The fault-injection suite (chaos/): strace for the durability audit, faketime for clock skew,
# fiu-utils (fiu-run, libfiu) for injected I/O errors, util-linux for mount/mknod on the tmpfs and
# device-node scenarios. A scenario whose tool is still missing skips with a printed reason.
command -v strace >/dev/null 2>&1 || need+=(strace)
command -v faketime >/dev/null 2>&1 || need+=(faketime)
command -v fiu-run >/dev/null 2>&1 || need+=(fiu-utils)
command -v mount >/dev/null 2>&1 || need+=(util-linux)
# The multi-host scenario (chaos MultiHostSshfsIT, chaos/src/test/sh/sshfs-hosts.sh): sshd in one
# network namespace, sshfs mounts of its directory in others.
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
command -v sshfs >/dev/null 2>&1 || need+=(sshfs)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
# The stale-cache scenario (chaos StaleCacheLostReplyIT): a FUSE file system written with Debian's
# fusepy (python3-fusepy, which pulls libfuse2), run by the system python3, and fusermount to
# unmount it (fuse3). It skips with a printed reason when /dev/fuse is missing.
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import fusepy' >/dev/null 2>&1 \
  || need+=(python3 python3-fusepy)
command -v fusermount >/dev/null 2>&1 || command -v fusermount3 >/dev/null 2>&1 || need+=(fuse3)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "test-deps: not root; cannot install ${need[*]} (the tests that need them will skip)" >&2
  exit 0
fi
echo "test-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
timeout 600 apt-get update -qq >/dev/null 2>&1 || true
timeout 900 apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
  || echo "test-deps: could not install ${need[*]} (the tests that need them will skip)" >&2
exit 0
