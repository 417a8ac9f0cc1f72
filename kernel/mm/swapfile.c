/*
 * Swap areas without I/O: checking the Linux swap header (version 1, as busybox and
 * util-linux mkswap write it) and the map of an area's slots with their use counts.
 *
 * The header is the area's first page: 1 KiB of boot bits, then version, last_page and
 * nr_badpages (little-endian u32 each), a UUID and a label, padding, the bad page numbers
 * from byte 1536, and the signature "SWAPSPACE2" in the page's last 10 bytes. Slot n is the
 * area's page n; slot 0 (the header) and the bad pages are never used.
 *
 * The extents of an area: where runs of its pages lie on the device (one run for a
 * device, one per contiguous fragment of a swap file), built once at swapon and searched
 * by slot at each swap I/O, so that I/O needs no memory and no filesystem.
 *
 * Kept free of the rest of the kernel (only kmalloc) so that it runs in host unit tests.
 */
#include "kernel.h"
#include "slab.h"
#include "swap.h"

static u32 get_le32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

int swap_parse_header(const void *page, u64 dev_pages, struct swap_header_info *info,
		      const char **why)
{
	const u8 *p = page;
	u32 version, last, nbad;

	if (memcmp(p + PAGE_SIZE - SWAP_MAGIC_LEN, SWAP_MAGIC, SWAP_MAGIC_LEN)) {
		*why = "Unable to find swap-space signature";
		return -EINVAL;
	}
	version = get_le32(p + SWAP_INFO_OFF);
	last = get_le32(p + SWAP_INFO_OFF + 4);
	nbad = get_le32(p + SWAP_INFO_OFF + 8);
	if (version != 1) {
		*why = "Unable to handle swap header version";
		return -EINVAL;
	}
	if (nbad > SWAP_MAX_BADPAGES) {
		*why = "Swap header has too many bad pages";
		return -EINVAL;
	}
	if (last == 0 || dev_pages < 2) {
		*why = "Empty swap-file";
		return -EINVAL;
	}
	/* Like Linux, an area larger than its device is cut to the device. */
	info->pages = min((u64)last + 1, dev_pages);
	info->nr_bad = nbad;
	info->bad = (const u32 *)(p + SWAP_BADPAGES_OFF);
	for (u32 i = 0; i < nbad; i++) {
		u32 b = get_le32(p + SWAP_BADPAGES_OFF + 4 * i);

		if (b == 0 || b > last) {
			*why = "Swap header has a bad page outside the area";
			return -EINVAL;
		}
	}
	*why = NULL;
	return 0;
}

int swap_map_init(struct swap_map *m, const struct swap_header_info *info)
{
	const u8 *bad = (const u8 *)info->bad;

	if (info->pages < 2)
		return -EINVAL;
	m->count = kmalloc(info->pages * sizeof(*m->count));
	if (!m->count)
		return -ENOMEM;
	memset(m->count, 0, info->pages * sizeof(*m->count));
	m->nr = info->pages;
	m->nr_good = m->nr - 1;
	m->count[0] = SWAP_MAP_BAD;
	for (u32 i = 0; i < info->nr_bad; i++) {
		u32 b = get_le32(bad + 4 * i);

		if (b < m->nr && m->count[b] != SWAP_MAP_BAD) {
			m->count[b] = SWAP_MAP_BAD;
			m->nr_good--;
		}
	}
	m->used = 0;
	m->next = 1;
	return m->nr_good ? 0 : -EINVAL;
}

void swap_map_destroy(struct swap_map *m)
{
	kfree(m->count);
	m->count = NULL;
	m->nr = m->nr_good = m->used = 0;
}

u64 swap_map_alloc(struct swap_map *m)
{
	if (m->used >= m->nr_good)
		return 0;
	for (u64 n = 0; n < m->nr; n++) {
		u64 s = m->next;

		m->next = s + 1 < m->nr ? s + 1 : 1;
		if (!m->count[s]) {
			m->count[s] = 1;
			m->used++;
			return s;
		}
	}
	return 0;
}

bool swap_map_dup(struct swap_map *m, u64 slot)
{
	if (slot >= m->nr || !m->count[slot] || m->count[slot] >= SWAP_MAP_MAX)
		return false;
	m->count[slot]++;
	return true;
}

unsigned swap_map_put(struct swap_map *m, u64 slot)
{
	if (slot >= m->nr || !m->count[slot] || m->count[slot] == SWAP_MAP_BAD)
		return 0;
	if (--m->count[slot] == 0)
		m->used--;
	return m->count[slot];
}

void swap_map_mark_bad(struct swap_map *m, u64 slot)
{
	if (slot >= m->nr || m->count[slot] == SWAP_MAP_BAD)
		return;
	if (m->count[slot])
		m->used--;
	m->count[slot] = SWAP_MAP_BAD;
	m->nr_good--;
}

/* ---- extents: the device offsets of an area's pages */

int swap_extents_add(struct swap_extents *x, u64 page, u64 off)
{
	struct swap_extent *last = x->nr ? &x->ext[x->nr - 1] : NULL;

	if (last && page == last->start_page + last->nr_pages &&
	    off == last->start_off + last->nr_pages * PAGE_SIZE) {
		last->nr_pages++;
		return 0;
	}
	if (x->nr == x->cap) {
		u32 cap = x->cap ? 2 * x->cap : 16;
		struct swap_extent *n = kmalloc(cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		if (x->nr)
			memcpy(n, x->ext, x->nr * sizeof(*n));
		kfree(x->ext);
		x->ext = n;
		x->cap = cap;
	}
	x->ext[x->nr++] = (struct swap_extent){ page, 1, off };
	return 0;
}

u64 swap_extents_lookup(const struct swap_extents *x, u64 page)
{
	u32 lo = 0, hi = x->nr;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		const struct swap_extent *e = &x->ext[mid];

		if (page < e->start_page)
			hi = mid;
		else if (page >= e->start_page + e->nr_pages)
			lo = mid + 1;
		else
			return e->start_off + (page - e->start_page) * PAGE_SIZE;
	}
	return SWAP_NO_OFFSET;
}

u64 swap_extents_span(const struct swap_extents *x)
{
	u64 lo = ~0ULL, hi = 0;

	for (u32 i = 0; i < x->nr; i++) {
		lo = min(lo, x->ext[i].start_off);
		hi = max(hi, x->ext[i].start_off + x->ext[i].nr_pages * PAGE_SIZE);
	}
	return x->nr ? hi - lo : 0;
}

void swap_extents_destroy(struct swap_extents *x)
{
	kfree(x->ext);
	x->ext = NULL;
	x->nr = x->cap = 0;
}
