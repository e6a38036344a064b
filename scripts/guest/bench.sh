#!/bin/sh
# Runs inside the VM (scripts/vm/run) for scripts/bench: loads ucbridge.ko and
# the reference driver, lets it take 64 MiB structs, and runs the device
# benchmarks, which write
# /out/device.json.  Arguments are passed on to `ucbridge-bench device`
# (--smoke).
#
# Expects /lib/ucbridge/ucbridge.ko, /lib/ucbridge/ucbridge_reference.ko and
# /bin/ucbridge-bench; AF_ALG's hash interface (algif_hash) loaded by
# scripts/vm/run --kmod.
set -eu
insmod /lib/ucbridge/ucbridge.ko
insmod /lib/ucbridge/ucbridge_reference.ko
echo 67108864 >/sys/class/ucbridge/reference/max_struct_size
grep -E '^(name|driver|priority)' /proc/crypto | paste - - - | grep crc32c || true
ucbridge-bench device --out /out/device.json "$@"
