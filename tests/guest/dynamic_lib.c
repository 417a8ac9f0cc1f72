/*
 * A shared library that tests/guest/dynamic_test.c loads with dlopen: a constructor, a
 * function, and a thread-local variable reached through __tls_get_addr (dynamic TLS).
 */
static int constructed;
static __thread long tls_counter = 100;

__attribute__((constructor)) static void probe_init(void)
{
	constructed = 1;
}

int probe_constructed(void)
{
	return constructed;
}

/* Add n to this thread's counter and return it. */
long probe_tls_add(long n)
{
	tls_counter += n;
	return tls_counter;
}
