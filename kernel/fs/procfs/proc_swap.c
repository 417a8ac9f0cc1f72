/*
 * /proc/swaps and /proc/vmstat: the swap areas (mm/swap.c) and the memory manager's
 * counters, in Linux's formats.
 */
#include "kernel.h"
#include "fs.h"
#include "page.h"
#include "swap.h"
#include "task.h"
#include "procfs.h"

int procfs_show_swaps(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	struct swap_area_info a;

	procfs_printf(b, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	for (unsigned i = 0; i < SWAP_MAX_AREAS; i++) {
		int len;

		if (!swap_area_get(i, &a))
			continue;
		len = (int)strlen(a.name);
		procfs_printf(b, "%s%*s%s\t%lu\t%s%lu\t%s%d\n", a.name, len < 40 ? 40 - len : 1, " ",
			      a.is_file ? "file\t" : "partition", a.size_kb,
			      a.size_kb < 10000000 ? "\t" : "", a.used_kb,
			      a.used_kb < 10000000 ? "\t" : "", a.prio);
	}
	return 0;
}

int procfs_show_vmstat(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	struct swap_stats s;

	swap_get_stats(&s);
	procfs_printf(b, "nr_free_pages %lu\n", page_nr_free());
	procfs_printf(b, "nr_swapcached 0\n");
	procfs_printf(b, "pswpin %lu\npswpout %lu\n", s.pswpin, s.pswpout);
	procfs_printf(b, "pgsteal_kswapd 0\npgsteal_direct %lu\n", s.pgsteal);
	procfs_printf(b, "pgscan_kswapd 0\npgscan_direct %lu\n", s.pgscan);
	procfs_printf(b, "oom_kill %lu\n", s.oom_kill);
	/* Ours: file pages mapped from a disk's read-only backing file (ubd_share, page.h). */
	procfs_printf(b, "nr_ubd_shared %llu\n", (unsigned long long)window_nr_shared);
	return 0;
}
