/*
 * The ubd block driver's boot entry (drivers/ubd/ubd.c). Kernel-side.
 */
#ifndef DRIVERS_UBD_UBD_H
#define DRIVERS_UBD_UBD_H

/*
 * Open the host files of every ubdN= device given on the command line and register the
 * block devices (ubda..ubdp). Called at boot once kmalloc works, before the root and
 * /dev are mounted. Returns 0, or -errno after printing which device and file failed
 * and why (the instance then refuses to boot).
 */
int ubd_init(void);

#endif
