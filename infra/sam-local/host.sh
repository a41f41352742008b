#!/usr/bin/env bash
# Host set-up for `make sam-local` (root, Debian 12). Only the steps that need the shell live here; the
# orchestration is local/pipewatch_local/sam_local.py, which calls:
#
#   host.sh install                  Debian packages (only those missing) and qemu-aarch64 in binfmt_misc
#   host.sh dockerd PIDFILE LOGFILE  start dockerd unless one answers; writes PIDFILE only if it started it
#   host.sh rootfs ARCH DIR          debootstrap a bookworm minbase rootfs with python3 into DIR (cached)
set -euo pipefail

PACKAGES=(docker.io debootstrap qemu-user-static binfmt-support)
MIRROR="${SAM_LOCAL_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

need_root() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "host.sh $1: needs root (apt-get, dockerd, debootstrap)" >&2
        exit 1
    fi
}

install() {
    need_root install
    local missing=()
    for pkg in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "sam-local: installing ${missing[*]} (Debian packages)"
        apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
    # arm64 (what ships) runs under qemu: binfmt_misc must be mounted and qemu-aarch64 enabled.
    if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
        mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    fi
    local entry=/proc/sys/fs/binfmt_misc/qemu-aarch64
    if [ "$(uname -m)" != "aarch64" ] && ! { [ -e "$entry" ] && head -1 "$entry" | grep -qx enabled \
        && [ -x "$(sed -n 's/^interpreter //p' "$entry")" ]; }; then
        update-binfmts --enable qemu-aarch64
    fi
}

storage_driver() {
    # overlay2 when the kernel has overlayfs (containers start in under a second); vfs otherwise (works on
    # any filesystem, but copies the whole image for every container: ~16 s per invoke measured here).
    if [ -n "${SAM_LOCAL_STORAGE_DRIVER:-}" ]; then
        echo "$SAM_LOCAL_STORAGE_DRIVER"
    elif grep -qw overlay /proc/filesystems; then
        echo overlay2
    else
        echo vfs
    fi
}

start_daemon() {
    local driver="$1" pidfile="$2" logfile="$3"
    # No userland proxy (its connection race times SAM out); iptables on, so the containers on the bridge
    # reach 172.17.0.1.
    nohup dockerd --storage-driver="$driver" --userland-proxy=false >"$logfile" 2>&1 &
    echo $! >"$pidfile"
    for _ in $(seq 1 120); do
        if docker info >/dev/null 2>&1; then
            echo "sam-local: started dockerd (pid $(cat "$pidfile"), storage $driver, log $logfile)"
            return 0
        fi
        if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
            echo "sam-local: dockerd ($driver) exited; last lines of $logfile:" >&2
            tail -5 "$logfile" >&2
            rm -f "$pidfile"
            return 1
        fi
        sleep 1
    done
    echo "sam-local: dockerd did not answer within 120 s (see $logfile); stopping it" >&2
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
    return 2
}

dockerd_start() {
    need_root dockerd
    local pidfile="$1" logfile="$2" driver
    rm -f "$pidfile"
    if docker info >/dev/null 2>&1; then
        echo "sam-local: dockerd already running (left alone)"
        local running
        running="$(pgrep -x dockerd | head -1)"
        if [ -n "$running" ] && ! tr '\0' ' ' </proc/"$running"/cmdline | grep -q -- "--userland-proxy=false"; then
            echo "sam-local: warning: that dockerd runs with the userland proxy on; SAM's connection to the" \
                "container races it and invokes may time out (run it with --userland-proxy=false)" >&2
        fi
        return 0
    fi
    driver="$(storage_driver)"
    start_daemon "$driver" "$pidfile" "$logfile" && return 0
    local status=$?
    if [ "$status" -eq 1 ] && [ "$driver" != vfs ]; then
        echo "sam-local: retrying dockerd with --storage-driver=vfs" >&2
        start_daemon vfs "$pidfile" "$logfile" && return 0
    fi
    exit 1
}

rootfs() {
    need_root rootfs
    local arch="$1" dir="$2"
    if [ -x "$dir/usr/bin/python3" ]; then
        echo "sam-local: rootfs $dir cached"
        return 0
    fi
    local work="$dir.partial"
    rm -rf "$work"
    mkdir -p "$(dirname "$dir")"
    echo "sam-local: debootstrap bookworm ($arch) into $dir (a few minutes, once)"
    debootstrap --arch="$arch" --variant=minbase --include=python3 bookworm "$work" "$MIRROR" \
        >"$work.log" 2>&1 || { tail -20 "$work.log" >&2; exit 1; }
    # Smaller image, same behaviour: no apt lists, caches or docs.
    rm -rf "$work"/var/cache/apt/archives/*.deb "$work"/var/lib/apt/lists/* "$work"/usr/share/doc \
        "$work"/usr/share/man "$work"/usr/share/locale
    mv "$work" "$dir"
    rm -f "$work.log"
}

case "${1:-}" in
    install) install ;;
    dockerd) dockerd_start "$2" "$3" ;;
    rootfs) rootfs "$2" "$3" ;;
    *)
        echo "usage: host.sh install | dockerd PIDFILE LOGFILE | rootfs ARCH DIR" >&2
        exit 2
        ;;
esac
