# SPDX-License-Identifier: GPL-2.0
#
# ptscope: kernel module (built by kbuild from ./Kbuild) and tools.
#
#   make            module, tools, guest tests, test-only modules
#   make check      every test: unit tests on the host, guest suite in
#                   QEMU in 5-level and 4-level paging; prints a summary
#   make check-matrix  build and guest suite on every kernel of
#                   tests/matrix/kernels (6.1 generic/RT/cloud, 6.12, sid)
#   make stress     the long reliability runs (tests/vm/stress-suite --long)
#   make demo       boot a guest and show ptscope on a demo process
#   make shell      interactive guest shell with the module loaded
#   make bench      benchmarks in a guest (tests/bench/README.md); not
#                   part of make check
#   make install    install the tools (PREFIX, DESTDIR)
#
# KDIR selects the kernel build tree (default: scripts/kdir).

KDIR ?= $(shell $(CURDIR)/scripts/kdir)
PREFIX ?= /usr/local
DESTDIR ?=
MODE ?= la57

export KDIR


.PHONY: all module tools unit guest-tests kmods demo-prog check demo shell setup \
	install uninstall clean stress
.PHONY: check-matrix
.PHONY: bench

all: module tools guest-tests kmods demo-prog

module:
	scripts/build-module $(KDIR) $(CURDIR)

kmods:
	scripts/build-module $(KDIR) $(CURDIR)/tests/kmod

tools:
	$(MAKE) -C tools

unit:
	$(MAKE) -C tests/unit

guest-tests:
	$(MAKE) -C tests/guest
	$(MAKE) -C tests/bench

demo-prog:
	$(MAKE) -C tests/demo

setup:
	scripts/setup

check:
	scripts/setup --check >/dev/null 2>&1 || scripts/setup
	scripts/check

check-matrix:
	scripts/setup --check >/dev/null 2>&1 || scripts/setup
	scripts/check-matrix

stress:
	scripts/setup --check >/dev/null 2>&1 || scripts/setup
	$(MAKE) all
	tests/vm/stress-suite --long

demo:
	scripts/setup --check >/dev/null 2>&1 || scripts/setup
	$(MAKE) all
	tests/vm/run-guest --mode la57 --job demo
	tests/vm/run-guest --mode la48 --job demo

bench:
	scripts/setup --check >/dev/null 2>&1 || scripts/setup
	$(MAKE) all
	tests/bench/run $(BENCH_ARGS)

shell:
	scripts/setup --check >/dev/null 2>&1 || scripts/setup
	$(MAKE) all
	tests/vm/run-guest --mode $(MODE) --job shell

install:
	$(MAKE) -C tools install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

uninstall:
	$(MAKE) -C tools uninstall PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/kmod clean
	-$(MAKE) -C tools clean
	-$(MAKE) -C tests/unit clean
	-$(MAKE) -C tests/guest clean
	-$(MAKE) -C tests/bench clean
	-$(MAKE) -C tests/demo clean
