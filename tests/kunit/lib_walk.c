// SPDX-License-Identifier: GPL-2.0
/* module/walk.c, compiled into ptscope_kunit.ko (see Kbuild) */
#include "../../module/walk.c"
