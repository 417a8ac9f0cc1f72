/*
 * kmalloc: kernel allocations from physmem (kernel/mm/slab.c). Objects up to 2 KiB come
 * from per-size-class slab pages; larger ones are whole buddy blocks.
 */
#ifndef SLAB_H
#define SLAB_H

#include "kernel.h"

/* Allocate size bytes (16-byte aligned; page aligned above 2 KiB); NULL on failure. */
void *kmalloc(size_t size);
/* kmalloc and clear. */
void *kzalloc(size_t size);
/* Free memory from kmalloc; NULL is ignored. */
void kfree(const void *p);
/* Usable size of a kmalloc'd object. */
size_t ksize(const void *p);

#endif
