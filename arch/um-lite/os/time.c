/*
 * Host clocks and the periodic tick. The tick is SIGALRM from an ITIMER_REAL timer;
 * its handler (os/signal.c) only sets OS_IRQ_TICK.
 */
#include <errno.h>
#include <sys/time.h>
#include <time.h>

#include "os.h"

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t os_monotonic_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t os_realtime_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

uint64_t os_cpu_time_ns(void)
{
	return clock_ns(CLOCK_PROCESS_CPUTIME_ID);
}

int os_tick_start(unsigned hz)
{
	struct itimerval it = { 0 };

	if (hz == 0 || hz > 1000)
		return -EINVAL;
	it.it_interval.tv_usec = 1000000 / hz;
	it.it_value = it.it_interval;
	if (setitimer(ITIMER_REAL, &it, NULL) < 0)
		return -errno;
	return 0;
}

void os_tick_stop(void)
{
	struct itimerval it = { 0 };

	setitimer(ITIMER_REAL, &it, NULL);
}
