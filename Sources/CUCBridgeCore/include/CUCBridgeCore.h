/*
 * The ucbridge dispatch core compiled for userspace: the same kmod/core
 * sources as ucbridge.ko (through the core/ symbolic link), with the
 * userspace environment shim.  The mock device runs it.
 */
#ifndef CUCBRIDGECORE_H
#define CUCBRIDGECORE_H

#include "../core/ucb_core.h"
#include "../core/ucb_reference.h"

#endif
