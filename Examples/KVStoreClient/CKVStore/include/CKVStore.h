/*
 * The template driver's ABI, for Swift:
 * kmod/include/uapi/linux/ucbridge_kvstore.h itself, reached through a
 * symbolic link so that there is one copy of it.  A driver's client needs
 * this and UCBridge, not the dispatch core.
 */
#ifndef CKVSTORE_H
#define CKVSTORE_H

#include "ucbridge_kvstore.h"

#endif
