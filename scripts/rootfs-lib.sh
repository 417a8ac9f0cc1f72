# Shared by scripts/mkinitramfs.sh and scripts/mkrootfs.sh (sourced, not run): how a
# busybox root filesystem is laid out. Needs $bb, the static busybox to install.
# shellcheck shell=bash

# find_busybox: set bb to a statically linked busybox (BUSYBOX= overrides), or die.
find_busybox() {
	bb=${BUSYBOX:-}
	[ -n "$bb" ] || bb=$(command -v busybox || true)
	[ -n "$bb" ] || die "busybox not found: install busybox-static (scripts/deps.sh)"
	file -L "$bb" 2>/dev/null | grep -q 'statically linked' ||
		die "$bb is not statically linked: install busybox-static"
}

# populate_busybox DIR: busybox with every applet linked, a minimal /etc, empty /dev
# /proc /sys /tmp and the usual directories.
populate_busybox() {
	local r=$1
	mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc,dev,proc,sys,tmp,root,home,mnt,var/tmp,run}
	chmod 1777 "$r/tmp" "$r/var/tmp"
	chmod 0700 "$r/root"
	cp "$bb" "$r/bin/busybox"
	chmod 0755 "$r/bin/busybox"
	local a
	while read -r a; do
		[ "$a" = bin/busybox ] && continue
		# a relative link: one "../" per directory level, then bin/busybox
		local d=.
		case "$a" in */*) d=${a%/*} ;; esac
		case "$d" in
		bin) ln -sf busybox "$r/$a" ;;
		.) ln -sf bin/busybox "$r/$a" ;;
		*)
			local up=${d//[!\/]/}
			ln -sf "${up//\//../}../bin/busybox" "$r/$a"
			;;
		esac
	done < <("$bb" --list-full)
	cat >"$r/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
P
	cat >"$r/etc/group" <<'G'
root:x:0:
tty:x:5:
nogroup:x:65534:
G
	echo umlite >"$r/etc/hostname"
	printf '127.0.0.1\tlocalhost\n' >"$r/etc/hosts"
	cat >"$r/etc/profile" <<'PR'
export PATH=/sbin:/usr/sbin:/bin:/usr/bin
export HOME=${HOME:-/root}
PS1='\w # '
PR
}


# The shared libraries a dynamic ELF file needs (host paths, one a line); none when static.
shared_libs() {
	file -L "$1" 2>/dev/null | grep -q 'dynamically linked' || return 0
	ldd "$1" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
}

# populate_extra DIR SUBDIR PROG...: PROG... installed (mode 0755, debugging information
# stripped) into DIR/SUBDIR, with
# the shared libraries of dynamic ones at their host paths.
populate_extra() {
	local r=$1 sub=$2 p lib
	shift 2
	mkdir -p "$r/$sub"
	for p in "$@"; do
		install -m 0755 "$p" "$r/$sub/"
		# The image gets no debugging information (a quarter of a test program's size,
		# and the image lives in guest memory); gdb reads it from the host's copy.
		strip --strip-debug "$r/$sub/${p##*/}" 2>/dev/null || true
		while read -r lib; do
			[ -n "$lib" ] || continue
			mkdir -p "$r$(dirname "$lib")"
			[ -e "$r$lib" ] || cp -L "$lib" "$r$lib"
		done < <(shared_libs "$p")
	done
}
