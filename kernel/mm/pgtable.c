/*
 * Guest page tables: four levels of 512 entries, like x86_64's, each table one physmem
 * frame. Inner entries hold the next table's frame | 1; leaf entries are PTEs (mm.h).
 * Only the kernel reads these tables: the host mappings in the guest's process are a cache
 * the execution mode keeps.
 */
#include "kernel.h"
#include "mm.h"
#include "page.h"
#include "swap.h"

#define PT_ENTRIES 512
#define PT_PRESENT 0x1ULL

static unsigned pt_index(uaddr_t addr, int level)
{
	return (addr >> (PAGE_SHIFT + 9 * level)) & (PT_ENTRIES - 1);
}

static u64 *pt_table(u64 entry)
{
	return phys_to_virt(entry & PTE_FRAME_MASK);
}

u64 *pte_lookup(struct mm *mm, uaddr_t addr, bool create)
{
	u64 *table = mm->pgd;

	for (int level = 3; level > 0; level--) {
		u64 *e = &table[pt_index(addr, level)];

		if (!(*e & PT_PRESENT)) {
			phys_t f;

			if (!create)
				return NULL;
			f = frame_alloc(GFP_ZERO | GFP_USER);
			if (!f)
				return NULL;
			*e = f | PT_PRESENT;
		}
		table = pt_table(*e);
	}
	return &table[pt_index(addr, 0)];
}

static void walk_level(struct mm *mm, u64 *table, int level, uaddr_t base, uaddr_t start,
		       uaddr_t end, void (*fn)(struct mm *, uaddr_t, u64 *, void *), void *arg,
		       u64 want)
{
	u64 span = 1ULL << (PAGE_SHIFT + 9 * level);

	for (unsigned i = pt_index(start, level); i < PT_ENTRIES; i++) {
		uaddr_t lo = base + i * span;

		if (lo >= end)
			break;
		if (level == 0) {
			if ((table[i] & (PTE_PRESENT | PTE_SWAP)) == want)
				fn(mm, lo, &table[i], arg);
		} else if (table[i] & PT_PRESENT) {
			walk_level(mm, pt_table(table[i]), level - 1, lo, max(start, lo), end, fn,
				   arg, want);
		}
	}
}

void pte_walk(struct mm *mm, uaddr_t start, uaddr_t end,
	      void (*fn)(struct mm *mm, uaddr_t addr, u64 *pte, void *arg), void *arg)
{
	if (start < end)
		walk_level(mm, mm->pgd, 3, 0, start, end, fn, arg, PTE_PRESENT);
}

void pte_walk_swap(struct mm *mm, uaddr_t start, uaddr_t end,
		   void (*fn)(struct mm *mm, uaddr_t addr, u64 *pte, void *arg), void *arg)
{
	if (start < end)
		walk_level(mm, mm->pgd, 3, 0, start, end, fn, arg, PTE_SWAP);
}

static void free_level(u64 *table, int level)
{
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		if (!(table[i] & PT_PRESENT))
			continue;
		if (level > 1)
			free_level(pt_table(table[i]), level - 1);
		frame_put(table[i] & PTE_FRAME_MASK);
	}
}

void pgtable_free(struct mm *mm)
{
	free_level(mm->pgd, 3);
	frame_put(virt_to_phys(mm->pgd));
	mm->pgd = NULL;
}

u64 *pte_next_present(struct mm *mm, uaddr_t *addr, uaddr_t end)
{
	uaddr_t a = *addr;

	while (a < end) {
		u64 *table = mm->pgd;
		int level;

		for (level = 3; level > 0; level--) {
			u64 e = table[pt_index(a, level)];

			if (!(e & PT_PRESENT))
				break;
			table = pt_table(e);
		}
		if (level > 0) {
			/* No table below this entry: skip the whole span it covers. */
			u64 span = 1ULL << (PAGE_SHIFT + 9 * level);

			a = ALIGN_DOWN(a, span) + span;
			continue;
		}
		if (table[pt_index(a, 0)] & PTE_PRESENT) {
			*addr = a;
			return &table[pt_index(a, 0)];
		}
		a += PAGE_SIZE;
	}
	*addr = end;
	return NULL;
}

static bool table_empty(const u64 *table)
{
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		if (table[i])
			return false;
	}
	return true;
}

/* Free the empty tables below table (level >= 1) that meet [start, end); true if now empty. */
static bool trim_level(u64 *table, int level, uaddr_t base, uaddr_t start, uaddr_t end)
{
	u64 span = 1ULL << (PAGE_SHIFT + 9 * level);

	for (unsigned i = pt_index(start, level); i < PT_ENTRIES; i++) {
		uaddr_t lo = base + i * span;
		u64 *child;

		if (lo >= end)
			break;
		if (!(table[i] & PT_PRESENT))
			continue;
		child = pt_table(table[i]);
		if (level > 1 ? trim_level(child, level - 1, lo, max(start, lo), end) :
				table_empty(child)) {
			frame_put(table[i] & PTE_FRAME_MASK);
			table[i] = 0;
		}
	}
	return table_empty(table);
}

void pgtable_trim(struct mm *mm, uaddr_t start, uaddr_t end)
{
	if (start < end && mm->pgd)
		trim_level(mm->pgd, 3, 0, start, end);
}
