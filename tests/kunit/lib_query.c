// SPDX-License-Identifier: GPL-2.0
/* module/query.c, compiled into ptscope_kunit.ko (see Kbuild) */
#include "../../module/query.c"
