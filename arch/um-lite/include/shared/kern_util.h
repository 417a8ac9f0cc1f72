/*
 * The few kernel entry points that host code may call (STYLE.md rule 5). Host code never
 * calls other kernel functions: it returns to the kernel instead.
 */
#ifndef UM_KERN_UTIL_H
#define UM_KERN_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Boot the kernel with the process's command line; returns the exit status of umlite. */
int start_kernel(int argc, char **argv);

/*
 * A fatal host signal hit kernel code (a kernel bug). Called from the host signal
 * handler on the alternate stack; prints what it can and never returns.
 */
void kernel_crash(int signo, void *addr) __attribute__((noreturn));

/*
 * Block I/O for host-side filesystem code (libext2fs's io_manager in kernel/fs/ext4):
 * byte ranges of the kernel block device bdev (a struct block_device handed to the host
 * half by the kernel side), through the block layer's checks. 0 or -errno (-EINVAL
 * outside the device, -EROFS on a read-only one). They never sleep.
 */
int kern_blk_read(void *bdev, uint64_t off, void *buf, size_t len);
int kern_blk_write(void *bdev, uint64_t off, const void *buf, size_t len);
int kern_blk_flush(void *bdev);

#endif
