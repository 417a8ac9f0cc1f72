/*
 * Host entry point. main() hands the command line to the kernel and turns the kernel's
 * return value into the process exit status. Everything else happens in start_kernel().
 */
#include <locale.h>
#include <stdlib.h>

#include "kern_util.h"
#include "os.h"

int main(int argc, char **argv)
{
	int status;

	os_asan_init();
	status = start_kernel(argc, argv);

	os_tty_restore();
	os_exit(status);
}
