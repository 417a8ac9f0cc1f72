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
/*
 * The text of the last message logged at or after position since (level and time stamp
 * cut, no newline) into buf; its length, or 0 when nothing was logged since.
 */
size_t printk_last_message(unsigned long since, char *buf, size_t len);
/* Bytes currently held in the log. */
unsigned long printk_log_size(void);
/* The ring's size in bytes (syslog's SIZE_BUFFER). */
unsigned long printk_log_capacity(void);
/* The position (for printk_log_read) where the next message will be stored. */
unsigned long printk_log_pos(void);

/* Set while the host terminal is in raw mode: printk then writes "\r\n" for "\n". */
extern bool printk_crlf;

#endif
