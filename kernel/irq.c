/*
 * Host interrupts: the pending bits set by host signal handlers (os/signal.c) are
 * handled here, in kernel context, at the defined points: after a mode's run() returns,
 * in the idle loop, and before returning to guest code. The mconsole socket is read on
 * its SIGIO and, in case one was missed, on every tick; so are eth0=slirp's host sockets
 * and the packet NICs' frames (eth0=daemon, eth0=tuntap, vec0).
 */
#include "kernel.h"
#include "console.h"
#include "mconsole.h"
#include "net.h"
#include "os.h"
#include "task.h"
#include "init.h"

void irq_handle(void)
{
	unsigned bits = os_irq_take();

	if (bits & OS_IRQ_TICK) {
		jiffies++;
		sched_loadavg_tick();
		console_poll();
	}
	ktimer_run();
	if (bits & (OS_IRQ_IO | OS_IRQ_TICK)) {
		mconsole_poll();
		slirp_poll();
		pkt_poll();
	}
	if (bits & OS_IRQ_HOSTINT)
		console_host_interrupt();
	if (bits & OS_IRQ_WINCH)
		console_host_winch();
	if (bits & OS_IRQ_HOSTTERM)
		kernel_power_off_request(128 + 15);
	if ((bits & OS_IRQ_TICK) && sched_nr_running() > 1)
		need_resched = true;
}
