/*
 * VMA list helpers shared by the files of kernel/mm/ (mmap.c defines them).
 */
#ifndef MM_INTERNAL_H
#define MM_INTERNAL_H

#include "mm.h"

/* Insert n into mm's sorted VMA list. */
void vma_insert(struct mm *mm, struct vma *n);
/* Unlink v, drop its file reference and free it. */
void vma_free(struct mm *mm, struct vma *v);
/* A new, zeroed VMA, or NULL (VMA_MAX reached, or memory down to the kernel's reserve). */
struct vma *vma_new(struct mm *mm);
/* Split v at addr (inside it); returns the upper part, or NULL on allocation failure. */
struct vma *vma_split(struct mm *mm, struct vma *v, uaddr_t addr);
/* Merge v with its neighbours when they are compatible anonymous mappings. */
void vma_merge_around(struct mm *mm, struct vma *v);
/* Drop the host mappings of [start, end), then its frames, swap entries and empty tables. */
void mm_zap_range(struct mm *mm, uaddr_t start, uaddr_t end);

#endif
