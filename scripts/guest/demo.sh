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
run ls -l /dev/ucbridge
run cat /sys/module/ucbridge/parameters/max_struct_size
# The seed's use case: a variable-length path in, what the kernel found out.
run ucb-pathinfo /etc/passwd /bin/busybox /no/such/file
