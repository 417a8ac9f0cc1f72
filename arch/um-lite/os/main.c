/*
 * Host entry point. main() hands the command line to the kernel and turns the kernel's
 * return value into the process exit status. Everything else happens in start_kernel().
 */
#include <fcntl.h>
#include <locale.h>
#include <stdlib.h>
#include <unistd.h>

#include "kern_util.h"
#include "os.h"

/*
 * Descriptors 0, 1 and 2 are the console and the kernel log. Started with one of them
 * closed, the next file umlite opened took its place: the physmem file became the console,
 * guests read kernel memory as input and their output overwrote it. Closed ones become
 * /dev/null (reads end, writes vanish), as daemons do.
 */
static void std_fds_open(void)
{
	for (int fd = 0; fd < 3; fd++) {
		int n;

		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		n = open("/dev/null", O_RDWR);
		if (n >= 0 && n != fd) {
			dup2(n, fd);
			close(n);
		}
	}
}

int main(int argc, char **argv)
{
	int status;

	std_fds_open();
	os_asan_init();
	status = start_kernel(argc, argv);

	os_tty_restore();
	os_exit(status);
}
