#!/bin/sh
# Runs inside the demo VM (scripts/demo): a short session with the real
# module, each command shown before it runs.
set -eu
run() {
	echo
	echo "guest# $*"
	"$@"
}

run insmod /lib/ucbridge/ucbridge.ko
run insmod /lib/ucbridge/ucbridge_reference.ko
# The node is root only (0600) as the kernel makes it; scripts/install's udev
# rule gives it to group ucbridge. This VM has no udev: open it to all for
# nobody's call below.
run chmod 0666 /dev/ucbridge/reference
run ls -l /dev/ucbridge /sys/class/ucbridge/reference/
run ucprobe info
run ucprobe list
# The seed's use case: a variable-length path in, what the kernel found out.
run ucprobe call pathInfo --string /etc/passwd
run ucprobe call add -s 40 -s 2
# (its progress line is for terminals; the console log keeps no carriage returns)
run sh -c 'ucprobe bench echo --sizes 0,4096,65536 --iterations 2000 2>/dev/null'
# The same from a Swift app, through the typed API.
run ucb-pathinfo /etc/passwd /bin/busybox /no/such/file
# A call the method table refuses, and the admin-only method as nobody.
run sh -c 'ucprobe call add -s 1 || true'
run su -s /bin/sh nobody -c 'ucprobe call resetStats || true'
run ucprobe list
