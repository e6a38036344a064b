/*
 * The ucbridge ABI, for Swift: kmod/include/uapi/linux/ucbridge.h itself,
 * reached through a symbolic link so that there is one copy of it.
 */
#ifndef CUCBRIDGE_H
#define CUCBRIDGE_H

#include "uapi/linux/ucbridge.h"

#endif
