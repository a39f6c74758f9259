#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""opencount.py FILE OUT LIMIT_S: count the opens of FILE with inotify
(IN_OPEN: any process, any namespace, since it watches the inode) and
write the count to OUT, rewritten after each open; OUT holds 0 once the
watch is in place. Stops on SIGTERM or after LIMIT_S seconds. Standard
library only (inotify through ctypes); for the namespace tests."""

import ctypes
import os
import select
import signal
import struct
import sys
import time

IN_OPEN = 0x20
IN_CLOEXEC = 0o2000000
EVENT_HDR = struct.Struct("iIII")  # wd, mask, cookie, len


def write_count(path, n):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="ascii") as fp:
        fp.write("%d\n" % n)
    os.replace(tmp, path)


def main(argv):
    if len(argv) != 4:
        print("usage: opencount.py FILE OUT LIMIT_S", file=sys.stderr)
        return 64
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.inotify_init1(IN_CLOEXEC)
    if fd < 0:
        print("inotify_init1: %s" % os.strerror(ctypes.get_errno()),
              file=sys.stderr)
        return 1
    if libc.inotify_add_watch(fd, argv[1].encode(), IN_OPEN) < 0:
        print("inotify_add_watch: %s" % os.strerror(ctypes.get_errno()),
              file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    n = 0
    write_count(argv[2], n)
    end = time.monotonic() + float(argv[3])
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if not r:
            continue
        buf = os.read(fd, 4096)
        off = 0
        while off + EVENT_HDR.size <= len(buf):
            _, mask, _, nlen = EVENT_HDR.unpack_from(buf, off)
            off += EVENT_HDR.size + nlen
            if mask & IN_OPEN:
                n += 1
        write_count(argv[2], n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
