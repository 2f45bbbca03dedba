#!/usr/bin/env python3
"""Runs a command and reports what it read from storage and its peak memory, for bench/field.sh.

    field_io.py COMMAND [ARG...]

The child's /proc/PID/io is read after it exits but before it is reaped (waitid with
WNOWAIT), so `read_bytes` (bytes the kernel fetched from the device for it, all its threads)
and `rchar` (bytes its read calls returned, page cache included) cover the whole run.
Prints on stderr, last:  io: seconds=<s> read_bytes=<n> rchar=<n> peak_rss_mib=<n> status=<n>
"""
import os
import resource
import subprocess
import sys
import time

start = time.monotonic()
child = subprocess.Popen(sys.argv[1:])
os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
seconds = time.monotonic() - start
fields = {}
try:
    with open(f"/proc/{child.pid}/io") as fh:
        for line in fh:
            key, value = line.split(":")
            fields[key.strip()] = int(value)
except OSError as error:
    print(f"field_io.py: cannot read /proc/{child.pid}/io: {error}", file=sys.stderr)
status = child.wait()
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(f"io: seconds={seconds:.2f} read_bytes={fields.get('read_bytes', -1)} rchar={fields.get('rchar', -1)} "
      f"peak_rss_mib={peak} status={status}", file=sys.stderr)
sys.exit(status)
