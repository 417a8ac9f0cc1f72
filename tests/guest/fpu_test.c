/*
 * Guest test: the extended register state (x87/SSE/AVX/AVX-512) survives system calls,
 * context switches between processes and signal delivery. The kernel saves and restores
 * the whole XSAVE image sized from the host CPU (11008 bytes with AMX); a fixed-size
 * buffer loses state or fails outright (UML before 6.13). Runs natively and in um-lite.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

/* Load ymm3 and (when present) zmm17, make n getppid calls and sched_yields, store back. */
static void spin_with_vectors(const uint8_t *in, uint8_t *out, int n, int avx512)
{
	if (avx512) {
		__asm__ volatile("vmovdqu64 (%0), %%zmm17\n\t" ::"r"(in) : "memory");
	}
	__asm__ volatile("vmovdqu (%0), %%ymm3\n\t" ::"r"(in) : "memory");
	for (int i = 0; i < n; i++) {
		long nr = (i & 7) ? SYS_getppid : SYS_sched_yield;

		__asm__ volatile("syscall" : "+a"(nr) : : "rcx", "r11", "memory");
	}
	__asm__ volatile("vmovdqu %%ymm3, (%0)\n\t" ::"r"(out) : "memory");
	if (avx512) {
		__asm__ volatile("vmovdqu64 %%zmm17, 32(%0)\n\t" ::"r"(out) : "memory");
	}
}

static int check_pattern(uint8_t seed, int n, int avx512)
{
	uint8_t in[64], out[96];

	for (int i = 0; i < 64; i++)
		in[i] = (uint8_t)(seed + i * 7);
	memset(out, 0, sizeof(out));
	spin_with_vectors(in, out, n, avx512);
	if (memcmp(in, out, 32))
		return 1;
	if (avx512 && memcmp(in, out + 32, 64))
		return 2;
	return 0;
}

TEST(vector_registers_survive_system_calls_and_switches)
{
	int avx512, st;
	pid_t kids[3];

	__builtin_cpu_init();
	if (!__builtin_cpu_supports("avx"))
		SKIP(return, "the CPU has no AVX");
	avx512 = __builtin_cpu_supports("avx512f");
	TH_LOG("AVX-512 %s", avx512 ? "present" : "absent");
	/* Several processes with different patterns, switching among each other. */
	for (int k = 0; k < 3; k++) {
		kids[k] = fork();
		if (kids[k] == 0)
			_exit(check_pattern((uint8_t)(0x11 * (k + 1)), 3000, avx512));
	}
	EXPECT_EQ(0, check_pattern(0xa5, 3000, avx512));
	for (int k = 0; k < 3; k++) {
		ASSERT_EQ(kids[k], waitpid(kids[k], &st, 0));
		EXPECT_EQ(0, st) TH_LOG("child %d: status %#x", k, st);
	}
}

static void clobber_vectors(int sig)
{
	__asm__ volatile("vpxor %%ymm3, %%ymm3, %%ymm3" ::: "xmm3");
}

TEST(a_signal_handler_does_not_leak_vector_state)
{
	uint8_t in[32], out[32];

	__builtin_cpu_init();
	if (!__builtin_cpu_supports("avx"))
		SKIP(return, "the CPU has no AVX");
	for (int i = 0; i < 32; i++)
		in[i] = (uint8_t)(0x3c ^ i);
	signal(SIGUSR1, clobber_vectors);
	__asm__ volatile("vmovdqu (%1), %%ymm3\n\t"
			 "syscall\n\t"
			 "vmovdqu %%ymm3, (%2)\n\t"
			 : "+a"((long){ SYS_kill })
			 : "r"(in), "r"(out), "D"((long)getpid()), "S"((long)SIGUSR1)
			 : "rcx", "r11", "xmm3", "memory");
	EXPECT_EQ(0, memcmp(in, out, 32));
}

TEST_HARNESS_MAIN
