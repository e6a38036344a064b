#!/bin/sh
# Runs inside the VM (scripts/vm/run) for scripts/bench: loads ucbridge.ko and
# the reference driver and runs one of the benchmark suites of
# ucbridge-bench, which writes /out/<suite>.json:
#
#   bench.sh device [ARGS...]   the wall-time suite (struct sizes, scaling,
#                               checksum, allocations) in a -smp 2 VM; lets the
#                               driver take 64 MiB structs and gives each
#                               client a 64 MiB shared buffer first
#   bench.sh icount [ARGS...]   the fixed costs in instructions, in a VM
#                               booted with scripts/vm/run --icount
#
# ARGS are passed on to ucbridge-bench (--smoke, --config LABEL).
#
# Expects /lib/ucbridge/ucbridge.ko, /lib/ucbridge/ucbridge_reference.ko and
# /bin/ucbridge-bench; for `device`, AF_ALG's hash interface (algif_hash)
# loaded by scripts/vm/run --kmod.
set -eu
suite=device
case "${1:-}" in
device | icount) suite="$1" && shift ;;
esac
insmod /lib/ucbridge/ucbridge.ko
if [ "$suite" = device ]; then
	# sharedChecksum reads a client's buffer of up to 64 MiB.
	insmod /lib/ucbridge/ucbridge_reference.ko buffer_size=67108864
else
	insmod /lib/ucbridge/ucbridge_reference.ko
fi
if [ "$suite" = device ]; then
	echo 67108864 >/sys/class/ucbridge/reference/max_struct_size
	grep -E '^(name|driver|priority)' /proc/crypto | paste - - - | grep crc32c || true
fi
ucbridge-bench "$suite" --out "/out/$suite.json" "$@"
