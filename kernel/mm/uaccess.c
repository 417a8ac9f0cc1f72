/*
 * Guest memory access for the kernel: copy_{from,to}_user and friends walk the address
 * space's page table into the kernel's physmem mapping, faulting pages in (and breaking
 * copy-on-write before a write) through mm_handle_fault exactly as a guest access would.
 * Any inaccessible byte yields -EFAULT. Guest addresses are never dereferenced directly.
 */
#include "kernel.h"
#include "mm.h"
#include "mode.h"
#include "page.h"
#include "task.h"
#include "uaccess.h"
#include "as-layout.h"

#define FAULT_TRIES 16 /* faults that leave the page missing before the access fails */

bool access_ok(uaddr_t addr, u64 len)
{
	return addr + len >= addr && addr + len <= UM_TASK_SIZE;
}

/* Kernel address of the byte at addr, made accessible for write or read; NULL: fault. */
static void *user_page(struct mm *mm, uaddr_t addr, bool write)
{
	u64 *pte = pte_lookup(mm, addr, false);
	struct vma *v;
	int code;

	if (addr >= UM_TASK_SIZE)
		return NULL;
	if (!pte || !(*pte & PTE_PRESENT) || (write && !(*pte & PTE_WRITE))) {
		/* A fault may succeed with the entry still not there (reclaim took it): again. */
		for (int tries = 0;; tries++) {
			if (tries == FAULT_TRIES ||
			    mm_handle_fault(mm, addr, write ? UM_ACCESS_WRITE : UM_ACCESS_READ, 0,
					    &code))
				return NULL;
			pte = pte_lookup(mm, addr, false);
			if (pte && (*pte & PTE_PRESENT) && (!write || (*pte & PTE_WRITE)))
				break;
		}
	} else {
		/* Present pages may belong to a VMA made inaccessible since (PROT_NONE). */
		v = vma_find(mm, addr);
		if (!v || !(v->prot & (write ? PROT_WRITE : (PROT_READ | PROT_WRITE | PROT_EXEC))))
			return NULL;
	}
	return (char *)phys_to_virt(*pte & PTE_FRAME_MASK) + (addr & ~PAGE_MASK);
}

static int copy_mm(struct mm *mm, void *kbuf, uaddr_t uaddr, size_t n, bool to_user)
{
	char *k = kbuf;

	if (!mm || !access_ok(uaddr, n))
		return -EFAULT;
	while (n) {
		size_t chunk = min(n, PAGE_SIZE - (uaddr & ~PAGE_MASK));
		char *p = user_page(mm, uaddr, to_user);

		if (!p)
			return -EFAULT;
		if (to_user)
			memcpy(p, k, chunk);
		else
			memcpy(k, p, chunk);
		k += chunk;
		uaddr += chunk;
		n -= chunk;
	}
	return 0;
}

int mm_copy_from(struct mm *mm, void *dst, uaddr_t src, size_t n)
{
	return copy_mm(mm, dst, src, n, false);
}

int mm_copy_to(struct mm *mm, uaddr_t dst, const void *src, size_t n)
{
	return copy_mm(mm, (void *)src, dst, n, true);
}

int copy_from_user(void *dst, uaddr_t src, size_t n)
{
	return copy_mm(current->mm, dst, src, n, false);
}

int copy_to_user(uaddr_t dst, const void *src, size_t n)
{
	return copy_mm(current->mm, (void *)src, dst, n, true);
}

int clear_user(uaddr_t dst, size_t n)
{
	struct mm *mm = current->mm;

	if (!mm || !access_ok(dst, n))
		return -EFAULT;
	while (n) {
		size_t chunk = min(n, PAGE_SIZE - (dst & ~PAGE_MASK));
		char *p = user_page(mm, dst, true);

		if (!p)
			return -EFAULT;
		memset(p, 0, chunk);
		dst += chunk;
		n -= chunk;
	}
	return 0;
}

long mm_strncpy_from(struct mm *mm, char *dst, uaddr_t src, size_t max)
{
	size_t done = 0;

	if (!mm)
		return -EFAULT;
	while (done < max) {
		size_t chunk = min(max - done, PAGE_SIZE - (src & ~PAGE_MASK));
		const char *p = user_page(mm, src, false);
		const char *nul;

		if (!p)
			return -EFAULT;
		nul = memchr(p, 0, chunk);
		if (nul) {
			memcpy(dst + done, p, nul - p + 1);
			return (long)(done + (nul - p));
		}
		memcpy(dst + done, p, chunk);
		done += chunk;
		src += chunk;
	}
	return -ENAMETOOLONG;
}

long strncpy_from_user(char *dst, uaddr_t src, size_t max)
{
	return mm_strncpy_from(current->mm, dst, src, max);
}
