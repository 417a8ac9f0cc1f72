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
/* Split v at addr (inside it); returns the upper part, or NULL on allocation failure. */
struct vma *vma_split(struct mm *mm, struct vma *v, uaddr_t addr);
/* Merge v with its neighbours when they are compatible anonymous mappings. */
void vma_merge_around(struct mm *mm, struct vma *v);
/* Release the frames of [start, end), the page tables left empty, and the host mappings. */
void mm_zap_range(struct mm *mm, uaddr_t start, uaddr_t end);

#endif
