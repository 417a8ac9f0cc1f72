# gdb helpers for the um-lite kernel (the umlite host process).
#
# Loaded by `make gdb`, by `gdb -x scripts/gdb/umlite-gdb.py`, or automatically: the
# build links ./umlite-gdb.py beside ./umlite, and gdb loads it once the tree is trusted:
#
#     echo "add-auto-load-safe-path $PWD" >> ~/.gdbinit
#
# What it does:
#  - tells gdb which host signals are the kernel's own business (the tick, stub kicks,
#    SIGCHLD/SIGPIPE/SIGWINCH), so they neither stop nor print;
#  - keeps gdb on the kernel process: the stub processes the kernel forks are ptraced by
#    the kernel itself, so gdb must detach from them at once (detach-on-fork on);
#  - adds commands that read the kernel's own structures:
#      ul-ps            tasks: pid, tgid, ppid, state, comm, system call, what it waits on
#      ul-dmesg         the printk log
#      ul-bt PID        kernel backtrace of a task, from its saved stack pointer if asleep
#      ul-vmas PID      the task's address space, like /proc/PID/maps
#      ul-files PID     its open files
#      ul-mounts        the mount table
#      ul-enosys        counts of unimplemented system calls, by name
#      ul-ustr ADDR [PID]  a NUL-terminated string in guest memory (current task by default)
#  - and convenience functions $ul_task(PID), $ul_ustr(ADDR[, PID]), $ul_u64(ADDR[, PID])
#    (at a breakpoint in sys_execve: p $ul_ustr($ul_u64(a->arg[1] + 8)) is argv[1]).
#
# Everything reads memory only, so the commands work on a stopped live instance, on one
# attached with `gdb -p PID`, and on a core file.

import gdb

KERNEL_SIGNALS = ("SIGALRM", "SIGVTALRM", "SIGCHLD", "SIGPIPE", "SIGWINCH", "SIGIO", "SIGURG")
STATES = {0: "R", 1: "S", 2: "D", 4: "T", 8: "Z", 16: "X"}
PTE_FRAME_MASK = 0x000FFFFFFFFFF000
PAGE = 4096


def _quiet(cmd):
    try:
        gdb.execute(cmd, to_string=True)
    except gdb.error:
        pass


def _setup():
    for sig in KERNEL_SIGNALS:
        _quiet("handle %s nostop noprint pass" % sig)
    _quiet("set detach-on-fork on")
    _quiet("set follow-fork-mode parent")
    _quiet("set follow-exec-mode same")
    _quiet("set pagination off")
    _quiet("set print inferior-events off")  # no "[Detaching after vfork ...]" per stub


# ---------------------------------------------------------------- helpers

def _type(name):
    return gdb.lookup_type(name)


def _offset(struct, field):
    for f in _type("struct " + struct).fields():
        if f.name == field:
            return f.bitpos // 8
    raise gdb.GdbError("struct %s has no field %s" % (struct, field))


def _list(head, struct, member):
    """Elements of an intrusive list (struct list_head *head) of struct <struct>."""
    off = _offset(struct, member)
    ptype = _type("struct " + struct).pointer()
    chars = _type("char").pointer()
    node = head["next"]
    seen = 0
    while int(node) != int(head) and int(node) != 0 and seen < 100000:
        yield (node.cast(chars) - off).cast(ptype)
        node = node["next"]
        seen += 1


def _global(name):
    sym = gdb.lookup_global_symbol(name) or gdb.lookup_static_symbol(name)
    if sym is None:
        raise gdb.GdbError("no symbol %s: is this the umlite binary with its symbols?" % name)
    return sym.value()


def _tasks():
    yield _global("idle_task").address
    for t in _list(_global("task_list").address, "task", "all_tasks"):
        yield t


def _task(pid):
    for t in _tasks():
        if int(t["pid"]) == pid:
            return t
    raise gdb.GdbError("no task with pid %d" % pid)


def _current():
    return _global("current")


def _parse_pid(arg, default_current=False):
    arg = arg.strip()
    if not arg:
        if default_current:
            return _current()
        raise gdb.GdbError("usage: needs a PID (ul-ps lists them)")
    try:
        return _task(int(gdb.parse_and_eval(arg)))
    except (ValueError, gdb.error) as e:
        raise gdb.GdbError("bad PID %r: %s" % (arg, e))


def _str(ptr, maxlen=256):
    """A C string of the kernel (char *), read up to its NUL."""
    addr = int(ptr)
    out = b""
    while addr and len(out) < maxlen:
        try:
            chunk = _read(addr + len(out), min(64, maxlen - len(out)))
        except gdb.MemoryError:
            return out.decode("utf-8", "backslashreplace") + "?"
        nul = chunk.find(b"\0")
        if nul >= 0:
            return (out + chunk[:nul]).decode("utf-8", "backslashreplace")
        out += chunk
    return out.decode("utf-8", "backslashreplace")


def _comm(t):
    return _str(t["comm"].address, 16)


def _syscall_name(nr):
    nr = int(nr)
    try:
        info = _global("sc_info")
        if 0 <= nr < info.type.range()[1] + 1:
            name = _str(info[nr]["name"])
            if name:
                return name
    except gdb.GdbError:
        pass
    return "syscall_%d" % nr


def _symbol(addr):
    """Function name (or data symbol) at addr, with inlined callers: a list of names."""
    names = []
    try:
        block = gdb.block_for_pc(addr)
    except RuntimeError:
        block = None
    while block is not None:
        if block.function is not None:
            names.append(block.function.print_name)
        block = block.superblock
    if names:
        return names
    out = gdb.execute("info symbol %#x" % addr, to_string=True)
    return [out.split()[0]] if not out.startswith("No symbol") else ["??"]


def _where(pc):
    sal = gdb.find_pc_line(pc)
    if sal.symtab is None:
        return ""
    return " at %s:%d" % (sal.symtab.filename, sal.line)


def _read(addr, n):
    return bytes(gdb.selected_inferior().read_memory(addr, n))


def _u64(addr):
    return int.from_bytes(_read(addr, 8), "little")


# ---- guest memory, through the kernel's page tables (kernel/mm/pgtable.c)

def _guest_phys(mm, vaddr):
    base = int(_global("physmem_base"))
    table = int(mm["pgd"])
    for level in (3, 2, 1):
        e = _u64(table + 8 * ((vaddr >> (12 + 9 * level)) & 511))
        if not e & 1:
            return None
        table = base + (e & PTE_FRAME_MASK)
    pte = _u64(table + 8 * ((vaddr >> 12) & 511))
    if not pte & 1:
        return None
    return base + (pte & PTE_FRAME_MASK) + (vaddr & (PAGE - 1))


def _guest_u64(task, vaddr):
    mm = task["mm"]
    host = _guest_phys(mm, vaddr) if int(mm) else None
    if host is None or (vaddr & (PAGE - 1)) > PAGE - 8:
        raise gdb.GdbError("guest address %#x is not readable in task %d" % (vaddr,
                                                                          int(task["pid"])))
    return _u64(host)


def _guest_string(task, vaddr, maxlen=4096):
    mm = task["mm"]
    if int(mm) == 0:
        raise gdb.GdbError("task %d has no address space" % int(task["pid"]))
    out = b""
    while len(out) < maxlen:
        host = _guest_phys(mm, vaddr)
        if host is None:
            raise gdb.GdbError("guest address %#x is not mapped in task %d (not yet faulted in?)"
                               % (vaddr, int(task["pid"])))
        chunk = _read(host, PAGE - (vaddr & (PAGE - 1)))
        nul = chunk.find(b"\0")
        if nul >= 0:
            return (out + chunk[:nul]).decode("utf-8", "backslashreplace")
        out += chunk
        vaddr += len(chunk)
    return out[:maxlen].decode("utf-8", "backslashreplace") + "..."


def _d_path(mnt, dentry):
    """The path of (mount, dentry), crossing mount points as /proc/PID/fd does."""
    parts = []
    for _ in range(1024):
        if int(dentry) == 0:
            break
        if int(mnt) != 0 and int(dentry) == int(mnt["root"]):
            if int(mnt["parent"]) == 0:
                break
            dentry = mnt["mountpoint"]
            mnt = mnt["parent"]
            continue
        parent = dentry["parent"]
        if int(parent) == 0 or int(parent) == int(dentry):
            name = _str(dentry["name"])
            if name and name != "/":
                parts.append(name)
            break
        parts.append(_str(dentry["name"], int(dentry["namelen"]) + 1))
        dentry = parent
    return "/" + "/".join(reversed(parts))


def _file_desc(f):
    path = f["path"]
    if int(path["dentry"]) == 0:
        return "[%s]" % _symbol(int(f["f_op"]))[0]
    p = _d_path(path["mnt"], path["dentry"])
    if int(path["mnt"]) == 0:
        p = "anon:" + _str(path["dentry"]["name"])
    return p


# ---------------------------------------------------------------- commands

class UlPs(gdb.Command):
    """List kernel tasks: ul-ps
PID, thread group, parent, state (R running, S sleeping, D uninterruptible, T stopped,
Z zombie), command, the system call being served and what the task waits on.
The current task is marked with '>'."""

    def __init__(self):
        super().__init__("ul-ps", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        cur = int(_current())
        print("  %5s %5s %5s %-2s %-16s %-16s %s" % ("PID", "TGID", "PPID", "ST", "COMM",
                                                    "SYSCALL", "WAITS ON"))
        for t in _tasks():
            parent = t["parent"]
            ppid = int(parent["tgid"]) if int(parent) else 0
            state = STATES.get(int(t["state"]), str(int(t["state"])))
            sc = _syscall_name(t["syscall_nr"]) if bool(t["in_syscall"]) else "-"
            wchan = _str(t["wchan"]) or "-"
            if state not in ("S", "D"):
                wchan = "-"
            print("%s %5d %5d %5d %-2s %-16s %-16s %s" % (
                ">" if int(t) == cur else " ", int(t["pid"]), int(t["tgid"]), ppid,
                state, _comm(t), sc, wchan))


class UlDmesg(gdb.Command):
    """Print the kernel log (the printk ring): ul-dmesg"""

    def __init__(self):
        super().__init__("ul-dmesg", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        buf = _global("log_buf")
        size = buf.type.sizeof
        start, end = int(_global("log_start")), int(_global("log_end"))
        base = int(buf.address)
        data = b""
        pos = start
        while pos < end:
            off = pos % size
            n = min(end - pos, size - off)
            data += _read(base + off, n)
            pos += n
        for line in data.decode("utf-8", "replace").splitlines():
            if len(line) > 3 and line[0] == "<" and line[2] == ">":
                line = line[3:]
            gdb.write(line + "\n")


class UlBt(gdb.Command):
    """Kernel backtrace of a task: ul-bt PID
A sleeping task's backtrace is read from its saved kernel stack pointer (task->ksp):
arch_switch_to (arch/um-lite/x86_64/switch.S) left r15, r14, r13, r12, rbx, rbp and the
return address there, and the frame-pointer chain goes on from that rbp. For the task
that is running now this is gdb's own 'bt'."""

    def __init__(self):
        super().__init__("ul-bt", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        t = _parse_pid(arg, default_current=True)
        if int(t) == int(_current()):
            print("task %d (%s) is current: gdb's own backtrace" % (int(t["pid"]), _comm(t)))
            gdb.execute("bt")
            return
        ksp = int(t["ksp"])
        if ksp == 0:
            raise gdb.GdbError("task %d has no saved stack (never ran?)" % int(t["pid"]))
        # Frames must stay on the task's stack (at most 64 pages, the Kconfig limit).
        lo = int(t["kstack"])
        hi = lo + 64 * PAGE
        pc, fp = _u64(ksp + 6 * 8), _u64(ksp + 5 * 8)
        print("task %d (%s), kernel stack pointer %#x:" % (int(t["pid"]), _comm(t), ksp))
        n = 0
        while pc and n < 64:
            # A return address points after the call: look it up one byte earlier.
            names = _symbol(pc - 1 if n else pc)
            # As gdb shows them: the innermost (perhaps inlined) function with the address
            # and line, then the functions it was inlined into.
            for i, name in enumerate(names):
                if i == 0:
                    print("#%-2d %#018x in %s ()%s" % (n, pc, name,
                                                       _where(pc - 1 if n else pc)))
                else:
                    print("#%-2d %s ()" % (n, name))
                n += 1
            if fp == 0 or (lo and not lo <= fp < hi):
                break
            pc, fp = _u64(fp + 8), _u64(fp)


class UlVmas(gdb.Command):
    """A task's address space, like /proc/PID/maps: ul-vmas PID"""

    def __init__(self):
        super().__init__("ul-vmas", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        t = _parse_pid(arg, default_current=True)
        mm = t["mm"]
        if int(mm) == 0:
            print("task %d (%s) has no address space (kernel thread)" % (int(t["pid"]),
                                                                          _comm(t)))
            return
        print("task %d (%s): %d areas, %d pages present, brk %#x" % (
            int(t["pid"]), _comm(t), int(mm["nr_vmas"]), int(mm["rss"]), int(mm["brk"])))
        for v in _list(mm["vmas"].address, "vma", "link"):
            prot, flags = int(v["prot"]), int(v["flags"])
            perms = "".join(c if prot & b else "-" for c, b in (("r", 1), ("w", 2), ("x", 4)))
            perms += "s" if flags & 1 else "p"
            name = ""
            if int(v["file"]):
                name = _file_desc(v["file"])
            elif flags & 8:
                name = "[heap]"
            elif flags & 4:
                name = "[stack]"
            print("%012x-%012x %s %08x %s" % (int(v["start"]), int(v["end"]), perms,
                                             int(v["pgoff"]) * PAGE, name))


class UlFiles(gdb.Command):
    """A task's open files: ul-files PID"""

    def __init__(self):
        super().__init__("ul-files", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        t = _parse_pid(arg, default_current=True)
        files = t["files"]
        if int(files) == 0:
            print("task %d (%s) has no file table" % (int(t["pid"]), _comm(t)))
            return
        print("task %d (%s):" % (int(t["pid"]), _comm(t)))
        print("%4s %-4s %-10s %10s %s" % ("FD", "MODE", "FLAGS", "POS", "FILE"))
        acc = {0: "r", 1: "w", 2: "rw"}
        for fd in range(int(files["max_fds"])):
            f = files["fd"][fd]
            if int(f) == 0:
                continue
            flags = int(f["flags"])
            cloexec = (int(files["cloexec"][fd // 64]) >> (fd % 64)) & 1
            print("%4d %-4s %#-10x %10d %s%s" % (fd, acc.get(flags & 3, "?"), flags,
                                                int(f["pos"]), _file_desc(f),
                                                " (cloexec)" if cloexec else ""))


class UlMounts(gdb.Command):
    """The mount table: ul-mounts"""

    def __init__(self):
        super().__init__("ul-mounts", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        print("%-18s %-12s %-10s %s" % ("MOUNT", "SOURCE", "TYPE", "MOUNTPOINT"))
        for m in _list(_global("mount_list").address, "mount", "link"):
            sb = m["sb"]
            fstype = _str(sb["type"]["name"]) if int(sb) and int(sb["type"]) else "?"
            where = "/" if int(m["parent"]) == 0 else _d_path(m["parent"], m["mountpoint"])
            ro = " (ro)" if int(sb) and int(sb["flags"]) & 1 else ""
            print("%#-18x %-12s %-10s %s%s" % (int(m), _str(m["source"]) or "none", fstype,
                                              where, ro))


class UlEnosys(gdb.Command):
    """Counts of unimplemented system calls used so far, by name: ul-enosys"""

    def __init__(self):
        super().__init__("ul-enosys", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        counts = _global("syscall_enosys_count")
        n = counts.type.range()[1] + 1
        rows = [(nr, int(counts[nr])) for nr in range(n) if int(counts[nr])]
        if not rows:
            print("no unimplemented system call has been used")
        for nr, count in rows:
            print("%4d %-24s %d" % (nr, _syscall_name(nr), count))
        try:
            oor = int(_global("enosys_out_of_range"))
            if oor:
                print("     out-of-range numbers     %d" % oor)
        except gdb.GdbError:
            pass


class UlUstr(gdb.Command):
    """A string in guest memory: ul-ustr ADDR [PID]
ADDR is a guest address (an expression: at a breakpoint in sys_execve, a->arg[0] is the
path being executed); PID defaults to the current task. Pages the guest has not touched
yet are not mapped and cannot be read."""

    def __init__(self):
        super().__init__("ul-ustr", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        if not argv:
            raise gdb.GdbError("usage: ul-ustr ADDR [PID]")
        addr = int(gdb.parse_and_eval(argv[0]))
        t = _parse_pid(argv[1] if len(argv) > 1 else "", default_current=True)
        print('"%s"' % _guest_string(t, addr))


class UlTaskFn(gdb.Function):
    """$ul_task(PID): the struct task * of a pid."""

    def __init__(self):
        super().__init__("ul_task")

    def invoke(self, pid):
        return _task(int(pid))


class UlUstrFn(gdb.Function):
    """$ul_ustr(ADDR[, PID]): a guest string (current task by default)."""

    def __init__(self):
        super().__init__("ul_ustr")

    def invoke(self, addr, pid=None):
        t = _current() if pid is None else _task(int(pid))
        return gdb.Value(_guest_string(t, int(addr)))


class UlU64Fn(gdb.Function):
    """$ul_u64(ADDR[, PID]): a 64-bit word of guest memory (current task by default)."""

    def __init__(self):
        super().__init__("ul_u64")

    def invoke(self, addr, pid=None):
        t = _current() if pid is None else _task(int(pid))
        return gdb.Value(_guest_u64(t, int(addr))).cast(_type("unsigned long"))


_setup()
for _cls in (UlPs, UlDmesg, UlBt, UlVmas, UlFiles, UlMounts, UlEnosys, UlUstr, UlTaskFn,
             UlUstrFn, UlU64Fn):
    _cls()
