/*
 * The ucbridge dispatch core compiled for userspace: the same kmod/core
 * sources as ucbridge.ko and kmod/reference as ucbridge_reference.ko
 * (through symbolic links), with the userspace environment of kmod/user.
 * The mock device runs it.
 */
#ifndef CUCBRIDGECORE_H
#define CUCBRIDGECORE_H

#include "../core/ucb_core.h"
#include "../reference/ucb_reference.h"
#include "../template/ucb_kvstore.h"

#endif
