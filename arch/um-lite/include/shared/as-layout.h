/*
 * Guest address-space layout, shared by the kernel, the modes and the SKAS stub.
 *
 * A guest address space is a host process (SKAS stub) whose lower part belongs to the
 * guest: [0, UM_TASK_SIZE). Above it sit the stub's code page, its data pages (physmem
 * frames shared with the kernel) and whatever the host put there at exec time (stack,
 * vdso, vvar), which the stub process is started so as to keep above UM_TASK_SIZE.
 * In TT mode the whole physmem file (the kernel's memory: its allocations, page tables,
 * page cache and every guest page) is also mapped there, at TT_KMEM_BASE, as the historic
 * UML tt mode did: outside the guest's usable range, writable by guest code unless `jail`.
 * Shared header: only <stdint.h>-level types.
 */
#ifndef UM_AS_LAYOUT_H
#define UM_AS_LAYOUT_H

#define UM_PAGE_SHIFT 12
#define UM_PAGE_SIZE (1UL << UM_PAGE_SHIFT)

/* The guest may use [UM_MMAP_MIN, UM_TASK_SIZE). 256 GiB below the host's 47-bit top. */
#define UM_TASK_SIZE 0x7fc000000000UL
#define UM_MMAP_MIN 0x10000UL

/* The stub: code (from the stub ELF, linked here), then the data pages. */
#define STUB_START 0x7fc000000000UL
#define STUB_CODE STUB_START
#define STUB_CODE_SIZE 0x4000UL
#define STUB_DATA (STUB_START + 0x10000UL)
#define STUB_DATA_PAGES 4
#define STUB_DATA_SIZE (STUB_DATA_PAGES * UM_PAGE_SIZE)
#define STUB_END (STUB_DATA + STUB_DATA_SIZE)

/*
 * TT mode: the kernel's physmem mapping inside every guest host process, [TT_KMEM_BASE,
 * TT_KMEM_BASE + mem=). mem= is at most 64 GiB, so it ends below the host's own mappings
 * (stack, vdso), which a stub without address randomisation has near the 47-bit top.
 */
#define TT_KMEM_BASE 0x7fd000000000UL
#define TT_KMEM_MAX (64UL << 30)

/* The physmem file is at this descriptor number inside every stub process. */
#define STUB_PHYSMEM_FD 3
/*
 * Windows (read-only backing files of disks, kernel/mm/window.c) are at STUB_WINDOW_FD +
 * id, id < STUB_WINDOW_MAX, in stubs started after they were registered; opened read-only.
 */
#define STUB_WINDOW_FD 16
#define STUB_WINDOW_MAX 16

#endif
