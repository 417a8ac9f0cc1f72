/*
 * Content-based page sharing (kernel/mm/ksm.c): a kernel thread merges identical anonymous
 * pages into read-only shared frames, as VMware ESX does, behind Linux's KSM controls
 * (/sys/kernel/mm/ksm/, and the ksm= option).
 */
#ifndef KSM_H
#define KSM_H

#include "kernel.h"

struct mm;

/* Values of run, as in Linux: stop scanning, scan and merge, undo every merge. */
#define KSM_RUN_STOP 0
#define KSM_RUN_MERGE 1
#define KSM_RUN_UNMERGE 2

struct ksm_stats {
	unsigned long pages_shared;  /* shared frames in use */
	unsigned long pages_sharing; /* further mappings of them: the frames saved */
	unsigned long pages_unshared; /* pages hashed in this pass with no match yet */
	unsigned long pages_scanned; /* pages looked at since boot */
	unsigned long full_scans;    /* completed passes over every address space */
	unsigned long zero_pages;    /* mappings of the one zero frame */
};

/* A new address space becomes scannable (mm_alloc). */
void ksm_mm_enter(struct mm *mm);
/* An address space is being torn down: forget it (mm_put, before anything is freed). */
void ksm_mm_exit(struct mm *mm);
/* Start the scanner if ksm=1 was given; called once init exists (it must be pid 1). */
void ksm_start(void);
/*
 * Set run (KSM_RUN_*): starting the scanner if needed, or unmerging every shared page.
 * Returns 0, -EINVAL for another value or without CONFIG_KSM, -ENOMEM.
 */
int ksm_set_run(unsigned long run);
unsigned long ksm_get_run(void);
/* Pages scanned per batch (1..100000) and the pause between batches (1..60000 ms). */
int ksm_set_pages_to_scan(unsigned long n);
unsigned long ksm_get_pages_to_scan(void);
int ksm_set_sleep_ms(unsigned long ms);
unsigned long ksm_get_sleep_ms(void);
void ksm_get_stats(struct ksm_stats *s);

#endif
