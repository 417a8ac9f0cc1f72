#!/usr/bin/env python3
"""Set the status (and note) of system calls in kernel/syscalls.def.

usage: scripts/sc-status.py STATUS name[,name...] ["note"]
STATUS is FULL, PARTIAL or ENOSYS. Run from the top of the tree.
"""
import re
import sys

if len(sys.argv) < 3 or sys.argv[1] not in ("FULL", "PARTIAL", "ENOSYS"):
    sys.exit(__doc__)
status, names = sys.argv[1], sys.argv[2].split(",")
note = sys.argv[3] if len(sys.argv) > 3 else ""
path = "kernel/syscalls.def"
text = open(path).read()
for name in names:
    pat = re.compile(r'^SYSCALL\((\d+), %s, \w+, "[^"]*"\)$' % re.escape(name), re.M)
    if not pat.search(text):
        sys.exit("no such system call: " + name)
    text = pat.sub(lambda m: 'SYSCALL(%s, %s, %s, "%s")' % (m.group(1), name, status, note), text)
open(path, "w").write(text)
