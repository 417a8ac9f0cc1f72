/*
 * Where um-lite's SKAS stub lives in a guest's address space, as guest tests see it
 * (arch/um-lite/include/shared/as-layout.h and stub-data.h; tests are built apart from the
 * kernel, so the values are repeated here). Natively these are ordinary user addresses.
 */
#ifndef STUB_LAYOUT_H
#define STUB_LAYOUT_H

#define FZ_PAGE 4096UL
#define FZ_TASK_SIZE 0x7fc000000000UL /* the top of guest space: the stub starts here */
#define FZ_STUB_CODE FZ_TASK_SIZE
#define FZ_STUB_DATA (FZ_TASK_SIZE + 0x10000UL)      /* the queue: read-only for guests */
#define FZ_STUB_RESULT (FZ_STUB_DATA + 2 * FZ_PAGE)  /* results and stack: writable */
#define FZ_STUB_STACK (FZ_STUB_DATA + 4 * FZ_PAGE - 64)

#endif
