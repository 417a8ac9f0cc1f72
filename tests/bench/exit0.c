/*
 * exit0: a static program that exits 0 at once; what `spawn` fork+execs
 * (scripts/bench.sh puts it at /bench/exit0 in the guest).
 */
int main(void)
{
	return 0;
}
