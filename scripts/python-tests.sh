#!/usr/bin/env bash
# Python's own regression tests on a Debian 12 image, natively in a chroot of the image's
# tree (the reference) and inside an instance in each mode, module by module; with
# "runsc" among the modes, also under gVisor (Debian's runsc package: `runsc --rootless
# --network=none do -root TREE`, the same tree read-only under a tmpfs overlay), the
# other system the issue compares with.
#
#   scripts/python-tests.sh [-m "skas tt runsc"] [MODULE...]     (default modes: skas tt)
#
# Default modules: test_os test_signal test_subprocess test_threading test_select test_mmap
# test_tempfile test_shutil. The image is build/debian-pytest.ext4 (PYTEST_IMAGE=PATH
# names another): scripts/mkrootfs.sh debian with libpython3.11-testsuite added (made here
# when missing; root and a Debian mirror needed, as for every Debian image). Needs root
# for the chroot (an overlay over the cached tree in a private mount and pid namespace, so
# the tree stays as built).
# Prints one line per module and run: the counts of tests ok / skipped / failed and
# Python's verdict; the logs are in build/python-tests/RUN-MODULE.log. Takes minutes: not
# part of `make test`. Exit status 0 when every guest run got Python's SUCCESS verdict.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

die() { echo "python-tests: $*" >&2; exit 1; }

modes="skas tt"
if [ "${1:-}" = -m ]; then
	modes=$2
	shift 2
fi
modules=("$@")
[ ${#modules[@]} -gt 0 ] || modules=(test_os test_signal test_subprocess test_threading
	test_select test_mmap test_tempfile test_shutil)
[ "$(id -u)" = 0 ] || die "needs root (the chroot, and debootstrap for the image)"
[ -x ./umlite ] || die "build first: make"

export DEBIAN_EXTRA="libpython3.11-testsuite"
image=${PYTEST_IMAGE:-build/debian-pytest.ext4} # another worktree may share one
tree=$(scripts/mkrootfs.sh --debian-tree) || die "no Debian tree"
if [ ! -f "$image" ] || [ "$tree/../.done" -nt "$image" ]; then
	scripts/mkrootfs.sh -s 2G debian "$image" || die "cannot make $image"
fi
out=build/python-tests
mkdir -p "$out"
env=(/usr/bin/env --default-signal -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/root
	LC_ALL=C.UTF-8 TERM=dumb)

# native MODULE LOG: the module in a chroot of an overlay over the tree.
native() {
	local d
	d=$(mktemp -d)
	mkdir -p "$d/up" "$d/work" "$d/m"
	timeout -k 5 1800 unshare -m -p -f --kill-child --propagation private bash -c '
		mount -t overlay overlay -o "lowerdir=$1,upperdir=$2/up,workdir=$2/work" "$2/m" &&
		mount -t proc proc "$2/m/proc" && mount -t sysfs sys "$2/m/sys" &&
		mount --rbind /dev "$2/m/dev" && mount -t tmpfs tmp "$2/m/dev/shm" &&
		shift 2 && exec chroot "$0/m" "$@"
	' "$d" "$tree" "$d" "${env[@]}" python3 -m test -v "$1" >"$2" 2>&1 </dev/null
	rm -rf "$d"
}

# guest MODE MODULE LOG: the module inside an instance booted from the image.
guest() {
	local cow
	cow=$(mktemp -u "$out/cow.XXXXXX")
	timeout -k 5 1800 ./umlite mode="$1" mem=1G ubd0="$cow,$image" root=/dev/ubda \
		init=/usr/bin/env -- "${env[@]:1}" python3 -m test -v "$2" >"$3" 2>&1 </dev/null
	rm -f "$cow"
}

# gvisor MODULE LOG: the module under gVisor's runsc, over the same tree.
gvisor() {
	command -v runsc >/dev/null || { echo "runsc is not installed (apt-get install runsc)" >"$2"; return; }
	timeout -k 5 1800 runsc --rootless --network=none do -root "$tree" -cwd / \
		"${env[@]}" python3 -m test -v "$1" >"$2" 2>&1 </dev/null
}

report() { # RUN MODULE LOG
	local verdict
	verdict=$(grep -o 'Tests result: [A-Z ,]*' "$3" | tail -1)
	printf '%-16s %-8s ok %4d  skipped %3d  failed %3d  %s\n' "$2" "$1" \
		"$(grep -c '\.\.\. ok' "$3")" "$(grep -c '\.\.\. skipped' "$3")" \
		"$(grep -cE '\.\.\. (FAIL|ERROR)' "$3")" "${verdict:-no verdict (see $3)}"
	[ "$1" = native ] || [ "$1" = runsc ] || [ "$verdict" = "Tests result: SUCCESS" ]
}

status=0
for m in "${modules[@]}"; do
	native "$m" "$out/native-$m.log"
	report native "$m" "$out/native-$m.log"
	for mode in $modes; do
		if [ "$mode" = runsc ]; then
			gvisor "$m" "$out/runsc-$m.log"
			report runsc "$m" "$out/runsc-$m.log"
			continue
		fi
		guest "$mode" "$m" "$out/$mode-$m.log"
		report "$mode" "$m" "$out/$mode-$m.log" || status=1
	done
done
exit $status
