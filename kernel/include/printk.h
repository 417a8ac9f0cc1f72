/*
 * The kernel log beyond printk itself (kernel/printk.c): readers for dmesg, /proc and
 * the panic path.
 */
#ifndef PRINTK_H
#define PRINTK_H

#include "kernel.h"

/* Start timestamps at zero now. */
void printk_init_clock(void);
/* Copy log bytes from *pos (a byte counter since boot) into buf; advances *pos. */
size_t printk_log_read(char *buf, size_t len, unsigned long *pos);
/* Bytes currently held in the log. */
unsigned long printk_log_size(void);
/* The position (for printk_log_read) where the next message will be stored. */
unsigned long printk_log_pos(void);

/* Set while the host terminal is in raw mode: printk then writes "\r\n" for "\n". */
extern bool printk_crlf;

#endif
