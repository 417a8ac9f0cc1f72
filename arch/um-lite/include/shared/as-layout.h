/*
 * Guest address-space layout, shared by the kernel, the modes and the SKAS stub.
 *
 * A guest address space is a host process (SKAS stub) whose lower part belongs to the
 * guest: [0, UM_TASK_SIZE). Above it sit the stub's code page, its data pages (physmem
 * frames shared with the kernel) and whatever the host put there at exec time (stack,
 * vdso, vvar), which the stub process is started so as to keep above UM_TASK_SIZE.
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

/* The physmem file is at this descriptor number inside every stub process. */
#define STUB_PHYSMEM_FD 3

#endif
