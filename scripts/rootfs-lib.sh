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

# The packages of the Debian image on top of debootstrap's minbase: what issue 4's
# scenarios use (python3 and its venv, ps/top/free, perl, a pager), plus DEBIAN_EXTRA.
DEBIAN_PKGS="python3 python3-venv procps perl-base less"
# and what the shell scenarios use: ping (file capabilities), setcap/getcap, xz, bzip2, cpio,
# hexdump
DEBIAN_PKGS+=" iputils-ping libcap2-bin xz-utils bzip2 cpio bsdextrautils"

# debian_tree SUITE: print the path of an installed Debian tree (debootstrap minbase plus
# DEBIAN_PKGS), made and cached under DEBIAN_CACHE on first use (root and a mirror needed
# then). A tree is complete once its .done stamp exists; a half-made one is started again.
debian_tree() {
	local suite=$1 mirror=${MIRROR:-http://deb.debian.org/debian}
	local pkgs key cache dir
	pkgs=$(echo "$DEBIAN_PKGS ${DEBIAN_EXTRA:-}" | tr ' ' '\n' | sed '/^$/d' | sort -u |
		paste -sd, -)
	key=$(printf '%s %s %s\n' "$suite" "$mirror" "$pkgs" | md5sum | cut -c1-8)
	cache=${DEBIAN_CACHE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/debian}
	dir=$cache/$suite-$key
	if [ -f "$dir/.done" ]; then
		echo "$dir/tree"
		return 0
	fi
	[ "$(id -u)" = 0 ] || die "debian images need root (debootstrap)"
	command -v debootstrap >/dev/null ||
		die "debootstrap not found: apt-get install debootstrap"
	debian_umount "$dir/tree"
	rm -rf "$dir"
	mkdir -p "$dir" "$cache/debs"
	echo "mkrootfs: debootstrap $suite ($pkgs) into $dir/tree" >&2
	if ! debootstrap --variant=minbase --include="$pkgs" --cache-dir="$cache/debs" \
		"$suite" "$dir/tree" "$mirror" >"$dir/debootstrap.log" 2>&1; then
		debian_umount "$dir/tree"
		tail -n 5 "$dir/debootstrap.log" >&2
		die "debootstrap failed (log: $dir/debootstrap.log)"
	fi
	debian_umount "$dir/tree"
	debian_configure "$dir/tree"
	touch "$dir/.done"
	echo "$dir/tree"
}

# debian_configure TREE: what an installed system has and debootstrap leaves out.
debian_configure() {
	local t=$1
	echo umlite >"$t/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\tumlite\n::1\t\tlocalhost ip6-localhost\n' \
		>"$t/etc/hosts"
	printf '/dev/ubda / ext4 defaults 0 1\n' >"$t/etc/fstab"
	# the .debs are in the cache's debs/ already
	rm -f "$t"/var/cache/apt/archives/*.deb
}

# debian_umount TREE: what debootstrap may have left mounted in TREE (after a failure).
debian_umount() {
	local m
	for m in proc sys dev/pts dev; do
		mountpoint -q "$1/$m" 2>/dev/null && umount -l "$1/$m"
	done
	return 0
}
