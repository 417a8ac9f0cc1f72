#!/usr/bin/env bash
# Builds initramfs images (cpio newc) for um-lite, without root.
#
#   scripts/mkinitramfs.sh busybox OUT            busybox-static with every applet linked,
#                                                 a minimal /etc, and empty /dev /proc /sys /tmp
#   scripts/mkinitramfs.sh tests OUT PROG...      the busybox image plus PROG... in /tests
#   scripts/mkinitramfs.sh extra OUT DIR PROG...  the busybox image plus PROG... in /DIR
#
# A dynamically linked PROG brings the host's libraries it needs (its ELF interpreter,
# libc.so.6 and whatever else ldd lists), copied to the same paths in the image, so that
# glibc programs built without -static run in the guest.
# Every file is owned by root:root in the archive, whoever runs this script.
set -euo pipefail

die() { echo "mkinitramfs: $*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: $0 busybox|tests|extra OUT [...]"
kind=$1 out=$2
shift 2

# shellcheck source=scripts/rootfs-lib.sh
. "$(dirname "$0")/rootfs-lib.sh"
find_busybox

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

populate_busybox "$stage"
case "$kind" in
busybox) ;;
tests) populate_extra "$stage" tests "$@" ;;
extra)
	[ $# -ge 1 ] || die "extra needs a directory"
	dir=$1; shift
	populate_extra "$stage" "$dir" "$@"
	;;
*) die "unknown kind '$kind'" ;;
esac

case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
tmp="$out.tmp.$$"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc --owner=0:0 >"$tmp") ||
	{ rm -f "$tmp"; die "cpio failed"; }
mv "$tmp" "$out"
