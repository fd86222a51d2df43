// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module, never installed: loading it prints a kernel WARNING on
 * purpose, so the harness self-test can prove that a WARNING in the guest
 * fails the run.
 */
#include <linux/module.h>
#include <linux/bug.h>

static int __init ptscope_selftest_warn_init(void)
{
	WARN(1, "ptscope harness self-test: deliberate warning\n");
	return 0;
}

static void __exit ptscope_selftest_warn_exit(void)
{
}

module_init(ptscope_selftest_warn_init);
module_exit(ptscope_selftest_warn_exit);
MODULE_DESCRIPTION("ptscope harness self-test: emits one WARNING");
MODULE_LICENSE("GPL");
