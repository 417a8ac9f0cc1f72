# um-lite: one non-recursive Makefile.
#
# Two worlds (DESIGN.md section 2, STYLE.md rule 2):
#  - host side: arch/um-lite/os/*.c, arch/um-lite/x86_64/*, and *_host.c files.
#    Ordinary glibc headers, -D_GNU_SOURCE.
#  - kernel side: everything else. Freestanding: -ffreestanding -nostdinc, gcc's own
#    headers and a symlink farm of the Linux UAPI headers (build/uapi), so a stray
#    host include is a compile error.
#
# Targets: all (./umlite), defconfig, debug_defconfig, menuconfig, olddefconfig, test,
# test-kasan, run, bench, check, gdb, clean. `make V=1` shows the commands.
#
# `make KASAN=1` builds the whole kernel, kernel side included, with AddressSanitizer
# (objects under build/kasan/, so switching back and forth rebuilds nothing twice; ./umlite
# is relinked whenever the variant changes). The SKAS stub is never instrumented.
# `make test-kasan` builds configs/debug_defconfig with KASAN=1 in build/kasan-debug/ and
# runs the guest test suite on it.

.DEFAULT_GOAL := all
SHELL := /bin/bash

B := build
CONFIG ?= .config
UMLITE_BIN ?= umlite
CC ?= gcc
ifeq ($(origin CC),default)
CC := gcc
endif
GCCINC := $(shell $(CC) -print-file-name=include)
UAPI_ASM := $(firstword $(wildcard /usr/include/x86_64-linux-gnu/asm /usr/include/asm))

ifeq ($(V),1)
Q :=
else
Q := @
endif

# ---------------------------------------------------------------- configuration
KCONFIG_DIR := $(B)/kconfig
AUTOCONF := $(B)/autoconf.h

# The configuration ($(CONFIG), .config by default) is also read by this Makefile
# (optional subsystems), so it is brought up to date first: made from configs/defconfig
# when missing, given the defaults of new options when Kconfig changed.
$(CONFIG): Kconfig
	$(Q)command -v kconfig-conf >/dev/null || { scripts/deps.sh --check; exit 1; }
	$(Q)mkdir -p $(dir $(CONFIG))
	$(Q)if [ -f $(CONFIG) ]; then \
		echo "  Kconfig changed: new options in $(CONFIG) get their defaults"; \
		KCONFIG_CONFIG=$(CONFIG) kconfig-conf -s --olddefconfig Kconfig && touch $(CONFIG); \
	else \
		echo "  no $(CONFIG): using configs/defconfig (make menuconfig to change it)"; \
		KCONFIG_CONFIG=$(CONFIG) kconfig-conf -s --defconfig=configs/defconfig Kconfig; \
	fi

$(AUTOCONF): $(CONFIG) Kconfig
	$(Q)command -v kconfig-conf >/dev/null || { scripts/deps.sh --check; exit 1; }
	$(Q)mkdir -p $(KCONFIG_DIR)/include/config $(KCONFIG_DIR)/include/generated
	$(Q)KCONFIG_CONFIG=$(CONFIG) kconfig-conf -s --olddefconfig Kconfig # new options: defaults
	$(Q)cd $(KCONFIG_DIR) && KCONFIG_CONFIG=$(abspath $(CONFIG)) kconfig-conf -s --silentoldconfig $(CURDIR)/Kconfig
	$(Q)cp $(KCONFIG_DIR)/include/generated/autoconf.h $@

# defconfig from configs/defconfig; NAME_defconfig from configs/NAME_defconfig
# (debug_defconfig: the debug checks of the Debugging menu on).
define make_defconfig # configs/FILE
	$(Q)command -v kconfig-conf >/dev/null || { scripts/deps.sh --check; exit 1; }
	$(Q)mkdir -p $(dir $(CONFIG))
	$(Q)KCONFIG_CONFIG=$(CONFIG) kconfig-conf -s --defconfig=$(1) Kconfig
endef
defconfig:
	$(call make_defconfig,configs/defconfig)
%_defconfig: configs/%_defconfig
	$(call make_defconfig,$<)

olddefconfig: $(CONFIG)
	$(Q)KCONFIG_CONFIG=$(CONFIG) kconfig-conf -s --olddefconfig Kconfig

menuconfig: $(CONFIG)
	$(Q)KCONFIG_CONFIG=$(CONFIG) kconfig-mconf Kconfig

savedefconfig: $(CONFIG)
	$(Q)KCONFIG_CONFIG=$(CONFIG) kconfig-conf --savedefconfig=configs/defconfig Kconfig

# ---------------------------------------------------------------- flags
WARN := -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes -Wno-unused-parameter \
	-Wno-missing-field-initializers
COMMON := -std=gnu11 -O2 -g -fno-omit-frame-pointer -fno-strict-aliasing -fno-common \
	-include $(AUTOCONF) -Iarch/um-lite/include/shared $(WARN)
# Objects of the kernel and host code go to $(O): $(B) itself, or $(B)/kasan for KASAN=1.
O := $(B)
ifeq ($(KASAN),1)
O := $(B)/kasan
COMMON += -fsanitize=address -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address
endif

KCFLAGS := $(COMMON) -ffreestanding -nostdinc -isystem $(GCCINC) -isystem $(B)/uapi \
	-Ikernel/include -Idrivers -D__KERNEL_SIDE__
HCFLAGS := $(COMMON) -D_GNU_SOURCE -Idrivers
LDLIBS := -lz -lseccomp

# Optional subsystems: their directories are left out of the build when their Kconfig
# option is off (and so are the host libraries they need).
-include $(CONFIG)
OPTIONAL_OUT :=
ifeq ($(CONFIG_EXT4),y)
LDLIBS += -lext2fs -lcom_err
else
OPTIONAL_OUT += kernel/fs/ext4/%
endif

# ---------------------------------------------------------------- sources
# A file's world is decided by its path alone.
HOST_SRCS := $(wildcard arch/um-lite/os/*.c arch/um-lite/x86_64/*.c) \
	$(wildcard drivers/*/*_host.c skas/*_host.c tt/*_host.c kernel/*/*/*_host.c)
ASM_SRCS := $(wildcard arch/um-lite/x86_64/*.S)
KERN_SRCS := $(filter-out %_host.c,$(wildcard kernel/*.c kernel/*/*.c kernel/*/*/*.c)) \
	$(filter-out %_host.c,$(wildcard drivers/*/*.c tt/*.c)) \
	$(filter-out %_host.c skas/stub.c skas/seccomp_stub.c,$(wildcard skas/*.c))
HOST_SRCS := $(filter-out $(OPTIONAL_OUT),$(HOST_SRCS))
KERN_SRCS := $(filter-out $(OPTIONAL_OUT),$(KERN_SRCS))

HOST_OBJS := $(HOST_SRCS:%.c=$(O)/%.o)
KERN_OBJS := $(KERN_SRCS:%.c=$(O)/%.o)
ASM_OBJS := $(ASM_SRCS:%.S=$(O)/%.o)
OBJS := $(HOST_OBJS) $(KERN_OBJS) $(ASM_OBJS)
DEPS := $(OBJS:.o=.d)

$(B)/uapi/.stamp:
	$(Q)mkdir -p $(B)/uapi
	$(Q)ln -sfn /usr/include/linux $(B)/uapi/linux
	$(Q)ln -sfn /usr/include/asm-generic $(B)/uapi/asm-generic
	$(Q)ln -sfn $(UAPI_ASM) $(B)/uapi/asm
	$(Q)touch $@

$(HOST_OBJS): $(O)/%.o: %.c $(AUTOCONF)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(CC) $(HCFLAGS) -MMD -MP -c $< -o $@

$(KERN_OBJS): $(O)/%.o: %.c $(AUTOCONF) $(B)/uapi/.stamp
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@

$(ASM_OBJS): $(O)/%.o: %.S $(AUTOCONF) $(B)/skas/stub.elf $(B)/skas/seccomp_stub.elf
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(HCFLAGS) -DSTUB_ELF='"$(B)/skas/stub.elf"' \
		-DSECCOMP_STUB_ELF='"$(B)/skas/seccomp_stub.elf"' -MMD -MP -c $< -o $@

# The SKAS stub: a tiny static program, no libc, linked at a fixed address above the
# guest's address space. It is embedded in umlite and exec'd for every address space.
STUB_CFLAGS := -std=gnu11 -O2 -g -static -nostdlib -ffreestanding -fno-builtin -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none \
	-mgeneral-regs-only -Iarch/um-lite/include/shared -include $(AUTOCONF) $(WARN)
STUB_LDCOMMON := -no-pie -Wl,--build-id=none -Wl,-z,noexecstack -Wl,-z,norelro
STUB_LDFLAGS := $(STUB_LDCOMMON) -Wl,-T,skas/stub.lds
$(B)/skas/stub.elf: skas/stub.c skas/stub.lds $(AUTOCONF) arch/um-lite/include/shared/stub-data.h \
		arch/um-lite/include/shared/as-layout.h
	@mkdir -p $(dir $@)
	@echo "  STUB    $@"
	$(Q)$(CC) $(STUB_CFLAGS) $(STUB_LDFLAGS) skas/stub.c -o $@

# The seccomp backend's stub (skas=seccomp): same flags, its own entry table and layout.
$(B)/skas/seccomp_stub.elf: skas/seccomp_stub.c skas/seccomp_stub.lds $(AUTOCONF) \
		arch/um-lite/include/shared/stub-data.h arch/um-lite/include/shared/stub-seccomp.h \
		arch/um-lite/include/shared/as-layout.h
	@mkdir -p $(dir $@)
	@echo "  STUB    $@"
	$(Q)$(CC) $(STUB_CFLAGS) $(STUB_LDCOMMON) -Wl,-T,skas/seccomp_stub.lds skas/seccomp_stub.c \
		-o $@

# Which variant (object directory) the binary was last linked from: a change relinks it.
VARIANT_STAMP := $(B)/.variant-$(notdir $(UMLITE_BIN))
$(shell mkdir -p $(B); [ "$$(cat $(VARIANT_STAMP) 2>/dev/null)" = "$(O)" ] || \
	echo "$(O)" >$(VARIANT_STAMP))

$(UMLITE_BIN): $(OBJS) $(VARIANT_STAMP)
	@echo "  LD      $@$(if $(filter 1,$(KASAN)),  (AddressSanitizer))"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)
	$(Q)scripts/check.sh --symbols $(HOST_OBJS) $(KERN_OBJS)

# What gdb auto-loads with ./umlite (README, "Debugging the kernel").
umlite-gdb.py:
	$(Q)ln -sfn scripts/gdb/umlite-gdb.py $@

all: $(UMLITE_BIN) umlite-gdb.py umlite-balance

# The host-side memory manager (tools/): plain C, no kernel code.
umlite-balance: tools/umlite-balance.c tools/balance_policy.c tools/balance_policy.h
	@echo "  HOSTCC  $@"
	$(Q)$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE tools/umlite-balance.c \
		tools/balance_policy.c -o $@

-include $(DEPS)

# ---------------------------------------------------------------- guest userland
BUSYBOX ?= $(firstword $(wildcard /bin/busybox /usr/bin/busybox))
$(B)/rootfs.cpio: scripts/mkinitramfs.sh $(BUSYBOX)
	@mkdir -p $(B)
	@echo "  CPIO    $@"
	$(Q)scripts/mkinitramfs.sh busybox $@

# Guest test programs: static, run natively (the oracle) and inside an instance.
GUEST_TESTS := $(patsubst tests/guest/%.c,$(B)/tests/guest/%,$(wildcard tests/guest/*_test.c))
GUEST_CFLAGS := -std=gnu11 -O2 -g -static -pthread -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wno-missing-field-initializers -Itests/kselftest -D_GNU_SOURCE
$(B)/tests/guest/%: tests/guest/%.c $(wildcard tests/kselftest/*.h tests/guest/*.h)
	@mkdir -p $(dir $@)
	@echo "  GUEST   $@"
	$(Q)$(CC) $(GUEST_CFLAGS) $< -o $@

# dynamic_test is linked dynamically against the host's glibc (mkinitramfs.sh copies ld.so
# and the libraries into the image) and dlopens a library of its own from /tests.
GUEST_LIBS := $(B)/tests/guest/libdynprobe.so
$(B)/tests/guest/dynamic_test: tests/guest/dynamic_test.c $(wildcard tests/kselftest/*.h)
	@mkdir -p $(dir $@)
	@echo "  GUEST   $@ (dynamic)"
	$(Q)$(CC) $(filter-out -static,$(GUEST_CFLAGS)) $< -o $@
$(B)/tests/guest/libdynprobe.so: tests/guest/dynamic_lib.c
	@mkdir -p $(dir $@)
	@echo "  GUEST   $@"
	$(Q)$(CC) $(filter-out -static,$(GUEST_CFLAGS)) -fPIC -shared $< -o $@

# Tools the Bats tests run inside an instance (tests/bats/slirp.bats, iflags.bats).
GUEST_TOOLS := $(B)/tests/guest/nat_tool $(B)/tests/guest/iflags_tool

$(B)/test.cpio: $(B)/rootfs.cpio $(GUEST_TESTS) $(GUEST_LIBS) $(GUEST_TOOLS) scripts/mkinitramfs.sh
	@echo "  CPIO    $@"
	$(Q)scripts/mkinitramfs.sh tests $@ $(GUEST_TESTS) $(GUEST_LIBS) $(GUEST_TOOLS)

# The same userland as ext4 disk images (made without root by mke2fs -d).
$(B)/rootfs.ext4: scripts/mkrootfs.sh scripts/rootfs-lib.sh $(BUSYBOX)
	@mkdir -p $(B)
	@echo "  EXT4    $@"
	$(Q)scripts/mkrootfs.sh busybox $@

$(B)/test.ext4: $(GUEST_TESTS) $(GUEST_TOOLS) scripts/mkrootfs.sh scripts/rootfs-lib.sh
	@echo "  EXT4    $@"
	$(Q)scripts/mkrootfs.sh -s 128M tests $@ $(GUEST_TESTS) $(GUEST_TOOLS)

# make run boots from build/rootfs.ext4 through the COW file build/rootfs.cow: what the
# instance writes stays there between runs (a rebuilt image starts a fresh one). Without
# EXT4 or UBD it boots the initramfs.
ifeq ($(CONFIG_EXT4)$(CONFIG_UBD),yy)
DISK_IMAGES := $(B)/rootfs.ext4 $(B)/test.ext4
RUN_DEPS := $(B)/rootfs.ext4
RUN_ROOT = ubd0=$(B)/rootfs.cow,$(B)/rootfs.ext4 root=/dev/ubda
else
DISK_IMAGES :=
RUN_DEPS := $(B)/rootfs.cpio
RUN_ROOT = initrd=$(B)/rootfs.cpio
endif

# Host-side unit tests: kernel pieces compiled for the host and linked with the harness.
# Each unit test names the objects it needs in a line "// UNIT-OBJS: a.o b.o": kernel
# objects (the ones umlite is linked from), tests/unit/x.o helpers, and
# tests/unit/debug/PATH.o, the kernel file PATH.c built with every debug check of the
# Debugging menu on, whatever the configuration (so the checks are tested in every build);
# and the host libraries in "// UNIT-LIBS: -lfoo". The tests of a subsystem that is
# configured out are left out with it.
UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(wildcard tests/unit/*_test.c))
ifneq ($(CONFIG_EXT4),y)
UNIT_TESTS := $(filter-out $(B)/tests/unit/ext4_%,$(UNIT_TESTS))
endif
UNIT_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wno-missing-field-initializers -D_GNU_SOURCE -Itests/kselftest -Itests/unit \
	-Iarch/um-lite/include/shared -include $(AUTOCONF) $(if $(filter 1,$(KASAN)),-fsanitize=address)
DEBUG_DEFS := -DCONFIG_DEBUG_SLAB=1 -DCONFIG_DEBUG_PAGEALLOC=1 -DCONFIG_DEBUG_SCHED=1
unit_objs = $(foreach o,$(shell sed -n 's|^// UNIT-OBJS: ||p' $(1)),\
	$(if $(filter tests/unit/%,$(o)),$(B)/$(o),$(O)/$(o)))
unit_libs = $(shell sed -n 's|^// UNIT-LIBS: ||p' $(1))
.SECONDEXPANSION:
$(B)/tests/unit/%: tests/unit/%.c $(AUTOCONF) $$(call unit_objs,tests/unit/$$*.c) \
		$(wildcard tests/kselftest/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	@echo "  UNIT    $@"
	$(Q)$(CC) $(UNIT_CFLAGS) $< $(call unit_objs,$<) $(call unit_libs,$<) -o $@
.PRECIOUS: $(B)/tests/unit/%.o $(B)/tests/unit/debug/%.o
$(B)/tests/unit/debug/%.o: %.c $(AUTOCONF) $(B)/uapi/.stamp
	@mkdir -p $(dir $@)
	@echo "  CC      $< (debug checks on)"
	$(Q)$(CC) $(KCFLAGS) $(DEBUG_DEFS) -MMD -MP -c $< -o $@
$(B)/tests/unit/%.o: tests/unit/%.c $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(UNIT_CFLAGS) -c $< -o $@

# The harness's own self-test (tests/kselftest/selftest/check.sh judges its output).
HARNESS_SELFTEST := $(B)/tests/kselftest/harness_selftest
$(HARNESS_SELFTEST): tests/kselftest/selftest/harness_selftest.c $(wildcard tests/kselftest/*.h) \
		$(AUTOCONF)
	@mkdir -p $(dir $@)
	@echo "  UNIT    $@"
	$(Q)$(CC) $(UNIT_CFLAGS) $< -o $@

BENCH_PROGS := $(patsubst tests/bench/%.c,$(B)/tests/bench/%,$(wildcard tests/bench/*.c))
$(B)/tests/bench/%: tests/bench/%.c tests/bench/bench.h
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	$(Q)$(CC) -std=gnu11 -O2 -static -pthread -D_GNU_SOURCE -Wall -Wextra $< -o $@

# ---------------------------------------------------------------- user commands
deps:
	$(Q)scripts/deps.sh

# What `make test` builds before scripts/run-tests.sh runs every suite.
TEST_DEPS := $(UNIT_TESTS) $(HARNESS_SELFTEST) umlite umlite-gdb.py umlite-balance $(B)/rootfs.cpio $(B)/test.cpio \
	$(GUEST_TESTS) $(DISK_IMAGES)
test: deps
	$(Q)$(MAKE) --no-print-directory $(TEST_DEPS)
	$(Q)scripts/run-tests.sh

# The guest test suite on the AddressSanitizer build of configs/debug_defconfig (every
# debug check on): build/kasan-debug/ holds its .config, objects and umlite. Any ASan
# report or kernel panic fails the run (scripts/run-tests.sh).
KASAN_B := $(B)/kasan-debug
test-kasan: deps $(B)/test.cpio $(GUEST_TESTS)
	$(Q)test -f $(KASAN_B)/.config || $(MAKE) --no-print-directory B=$(KASAN_B) \
		CONFIG=$(KASAN_B)/.config debug_defconfig
	$(Q)$(MAKE) --no-print-directory B=$(KASAN_B) CONFIG=$(KASAN_B)/.config KASAN=1 \
		UMLITE_BIN=$(KASAN_B)/umlite $(KASAN_B)/umlite
	$(Q)ln -sfn $(CURDIR)/scripts/gdb/umlite-gdb.py $(KASAN_B)/umlite-gdb.py # gdb auto-loads it
	$(Q)UMLITE=$(KASAN_B)/umlite UMLITE_SUITES=guest scripts/run-tests.sh

MEM ?= 128M
run: deps umlite $(RUN_DEPS)
	$(Q)[ ! -e $(B)/rootfs.cow ] || [ $(B)/rootfs.cow -nt $(B)/rootfs.ext4 ] || rm -f $(B)/rootfs.cow
ifeq ($(CMD),)
	$(Q)./umlite mem=$(MEM) $(RUN_ROOT) init=/bin/sh $(ARGS)
else
	$(Q)./umlite mem=$(MEM) $(RUN_ROOT) init=/bin/sh $(ARGS) -- -c '$(subst ','\'',$(CMD))'
endif

# The kernel under gdb, with scripts/gdb/umlite-gdb.py auto-loaded (signals, ul-* commands).
gdb: deps umlite umlite-gdb.py $(B)/rootfs.cpio
	$(Q)gdb -q -iex 'add-auto-load-safe-path $(CURDIR)' --args ./umlite mem=$(MEM) \
		initrd=$(B)/rootfs.cpio init=/bin/sh $(ARGS)

bench: deps umlite umlite-balance $(B)/rootfs.cpio $(RUN_DEPS) $(BENCH_PROGS)
	$(Q)scripts/bench.sh

check: umlite
	$(Q)scripts/check.sh --all

clean:
	rm -rf $(B) umlite umlite-gdb.py umlite-balance

distclean: clean
	rm -f .config .config.old

.PHONY: all defconfig olddefconfig menuconfig savedefconfig deps test test-kasan run gdb bench \
	check clean distclean
