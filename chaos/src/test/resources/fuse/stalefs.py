#!/usr/bin/python3
"""A passthrough FUSE file system over a backing directory that behaves like a shared file system
seen from one client host, with two injected anomalies (the chaos suite's NFS model):

* the lost reply: with probability --lost-reply a rename is performed and then reported as ENOENT,
  as an NFS client reports a retransmitted RENAME whose first reply was lost. The client does not
  learn that the rename happened, so its caches keep the names as they were before;
* stale caches: attributes (also "no such file") and directory listings are served from a snapshot
  up to --stale seconds old, so another host's creations, renames and removals are seen late. This
  mount's own successful changes drop the snapshots they affect (an NFS client sees its own changes).

Mount it with the kernel's own attribute and entry caching off (attr_timeout=0, entry_timeout=0,
negative_timeout=0) and direct_io, so the staleness is the one injected here and reads never stop at
a stale size. Counts of injected anomalies are written to --counter as "key value" lines (rewritten
atomically every 0.2 s and at unmount):

  lost_replies    renames performed and then reported as ENOENT
  stale_attrs     attribute answers whose existence disagreed with the backing directory
  stale_listings  directory listings that disagreed with the backing directory
  renames         renames performed (lost or not)

Runs in the foreground until unmounted (fusermount -u) or killed. Needs Debian's python3-fusepy.
"""

import argparse
import errno
import os
import random
import threading
import time

try:
    from fusepy import FUSE, FuseOSError, Operations
except ImportError:  # pip's fusepy installs the module as "fuse"
    from fuse import FUSE, FuseOSError, Operations

class StaleFs(Operations):
    use_ns = True

    def __init__(self, backing, lost_reply, stale, counter, seed):
        self.root = os.path.realpath(backing)
        self.lost_reply = lost_reply
        self.stale = stale
        self.counter = counter
        self.random = random.Random(seed)
        self.mutex = threading.Lock()
        self.attrs = {}      # path -> (taken_at, attrs dict or None for "no such file")
        self.listings = {}   # path -> (taken_at, list of names)
        self.counts = {'lost_replies': 0, 'stale_attrs': 0, 'stale_listings': 0, 'renames': 0}
        self.written = None
        self.stopped = threading.Event()
        threading.Thread(target=self._write_counts_loop, daemon=True).start()

    # --- helpers -------------------------------------------------------------------------------

    def _real(self, path):
        return os.path.join(self.root, path.lstrip('/'))

    def _count(self, key):
        with self.mutex:
            self.counts[key] += 1

    def _write_counts(self):
        with self.mutex:
            text = ''.join('%s %d\n' % kv for kv in sorted(self.counts.items()))
        if text == self.written:
            return
        tmp = self.counter + '.tmp'
        with open(tmp, 'w') as f:
            f.write(text)
        os.replace(tmp, self.counter)
        self.written = text

    def _write_counts_loop(self):
        while not self.stopped.wait(0.2):
            try:
                self._write_counts()
            except OSError:
                pass

    @classmethod
    def _lstat(cls, real):
        try:
            return cls._lstat_result(os.lstat(real))
        except FileNotFoundError:
            return None

    def _forget(self, *paths):
        """Drops the snapshots a change of this mount makes wrong: the names, their parents'
        listings, and every name that shares an inode with them (hard links)."""
        with self.mutex:
            inodes = set()
            for p in paths:
                entry = self.attrs.pop(p, None)
                if entry and entry[1]:
                    inodes.add(entry[1]['st_ino'])
                self.listings.pop(os.path.dirname(p) or '/', None)
                self.listings.pop(p, None)
            if inodes:
                for p in [p for p, e in self.attrs.items() if e[1] and e[1]['st_ino'] in inodes]:
                    del self.attrs[p]

    # --- metadata: served from snapshots --------------------------------------------------------

    def getattr(self, path, fh=None):
        if fh is not None:
            st = os.fstat(fh)
            return self._lstat_result(st)
        truth = self._lstat(self._real(path))
        now = time.monotonic()
        with self.mutex:
            entry = self.attrs.get(path)
            if entry is None or now - entry[0] >= self.stale:
                entry = (now, truth)
                self.attrs[path] = entry
        served = entry[1]
        if (served is None) != (truth is None):
            self._count('stale_attrs')
        if served is None:
            raise FuseOSError(errno.ENOENT)
        return served

    @staticmethod
    def _lstat_result(st):
        return {'st_atime': st.st_atime_ns, 'st_ctime': st.st_ctime_ns,
                'st_mtime': st.st_mtime_ns, 'st_gid': st.st_gid, 'st_mode': st.st_mode,
                'st_nlink': st.st_nlink, 'st_size': st.st_size, 'st_uid': st.st_uid,
                'st_ino': st.st_ino}

    def readdir(self, path, fh):
        truth = sorted(os.listdir(self._real(path)))
        now = time.monotonic()
        with self.mutex:
            entry = self.listings.get(path)
            if entry is None or now - entry[0] >= self.stale:
                entry = (now, truth)
                self.listings[path] = entry
        if entry[1] != truth:
            self._count('stale_listings')
        return ['.', '..'] + entry[1]

    def readlink(self, path):
        return os.readlink(self._real(path))

    def statfs(self, path):
        sv = os.statvfs(self._real(path))
        return {k: getattr(sv, k) for k in ('f_bavail', 'f_bfree', 'f_blocks', 'f_bsize',
                                            'f_favail', 'f_ffree', 'f_files', 'f_flag',
                                            'f_frsize', 'f_namemax')}

    def access(self, path, amode):
        if not os.access(self._real(path), amode):
            raise FuseOSError(errno.EACCES)

    # --- changes: passed through, then this mount's snapshots of them dropped ------------------

    def rename(self, old, new):
        os.rename(self._real(old), self._real(new))
        self._count('renames')
        if self.random.random() < self.lost_reply:
            # The lost reply: done on the server, reported as ENOENT; the client learns nothing.
            self._count('lost_replies')
            raise FuseOSError(errno.ENOENT)
        self._forget(old, new)

    def link(self, target, source):
        os.link(self._real(source), self._real(target))
        self._forget(target, source)

    def unlink(self, path):
        self._forget(path)
        os.unlink(self._real(path))
        self._forget(path)

    def symlink(self, target, source):
        os.symlink(source, self._real(target))
        self._forget(target)

    def mkdir(self, path, mode):
        os.mkdir(self._real(path), mode)
        self._forget(path)

    def rmdir(self, path):
        os.rmdir(self._real(path))
        self._forget(path)

    def mknod(self, path, mode, dev):
        os.mknod(self._real(path), mode, dev)
        self._forget(path)

    def chmod(self, path, mode):
        os.chmod(self._real(path), mode)
        self._forget(path)

    def chown(self, path, uid, gid):
        os.chown(self._real(path), uid, gid)
        self._forget(path)

    def utimens(self, path, times=None):
        os.utime(self._real(path), ns=times)
        self._forget(path)

    def truncate(self, path, length, fh=None):
        if fh is not None:
            os.ftruncate(fh, length)
        else:
            with open(self._real(path), 'r+') as f:
                f.truncate(length)
        self._forget(path)

    # --- file contents: always the backing file's (direct_io) -----------------------------------

    def create(self, path, mode, fi=None):
        fd = os.open(self._real(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        self._forget(path)
        return fd

    def open(self, path, flags):
        return os.open(self._real(path), flags)

    def read(self, path, size, offset, fh):
        return os.pread(fh, size, offset)

    def write(self, path, data, offset, fh):
        n = os.pwrite(fh, data, offset)
        self._forget(path)
        return n

    def flush(self, path, fh):
        return 0

    def fsync(self, path, datasync, fh):
        if datasync:
            os.fdatasync(fh)
        else:
            os.fsync(fh)
        return 0

    def release(self, path, fh):
        os.close(fh)
        return 0

    def fsyncdir(self, path, datasync, fh):
        fd = os.open(self._real(path), os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        return 0

    def destroy(self, path):
        self.stopped.set()
        self._write_counts()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('backing')
    ap.add_argument('mountpoint')
    ap.add_argument('--lost-reply', type=float, default=0.0,
                    help='probability that a rename is performed and then reported as ENOENT')
    ap.add_argument('--stale', type=float, default=0.0,
                    help='seconds a snapshot of attributes or of a listing is served')
    ap.add_argument('--counter', required=True, help='file the anomaly counts are written to')
    ap.add_argument('--seed', type=int, default=None)
    a = ap.parse_args()
    fs = StaleFs(a.backing, a.lost_reply, a.stale, a.counter, a.seed)
    fs._write_counts()
    FUSE(fs, a.mountpoint, foreground=True, nothreads=False, direct_io=True, hard_remove=True,
         use_ino=True, attr_timeout=0, entry_timeout=0, negative_timeout=0,
         fsname='spool-stalefs')


if __name__ == '__main__':
    main()
