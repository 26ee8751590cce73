# SPDX-License-Identifier: GPL-2.0
#
# Entry points for building, testing and installing nf_sip_alg.
# `make help` lists them. The kernel-side objects are described in Kbuild.

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec

# Kernel to build for: the running one when its headers are installed, else
# the newest installed kernel that has headers (a build machine or this CI
# container, whose own kernel has none). KDIR alone also works.
KRELS_WITH_HEADERS := $(shell ls -d /lib/modules/*/build 2>/dev/null | cut -d/ -f4 | sort -V)
ifeq ($(origin KREL),undefined)
  ifneq ($(origin KDIR),undefined)
    KREL := $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
  else ifneq ($(wildcard /lib/modules/$(shell uname -r)/build),)
    KREL := $(shell uname -r)
  else
    KREL := $(lastword $(KRELS_WITH_HEADERS))
  endif
endif
KDIR ?= /lib/modules/$(KREL)/build

# The kernels `make check` covers: those with headers and a bootable image,
# i.e. every Debian kernel that scripts/deps.sh installed.
CHECK_KRELS ?= $(foreach k,$(KRELS_WITH_HEADERS),$(if $(wildcard /boot/vmlinuz-$(k)),$(k)))

MODULE := nf_sip_alg
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

# What makes up the kernel module, for the per-kernel build trees and DKMS
# (Kbuild reads the version from dkms.conf, and generates sip_alg_probes.h in
# each build directory from probes/.)
KBUILD_SOURCES = Kbuild dkms.conf $(filter-out %.mod.c sip_alg_probes.h,$(wildcard *.c *.h)) \
		 include probes
STYLE_SOURCES = $(filter-out %.mod.c sip_alg_probes.h,$(wildcard *.c *.h include/*.h include/*/*.h \
		include/*/*/*.h probes/*.c))
# sipalgctl is userspace: a signal flag must be volatile sig_atomic_t, libc
# names its formats PRIu64, there is no __printf(), and its macros name an
# array twice only for ARRAY_SIZE(), which does not evaluate it.
TOOLS_STYLE_SOURCES = $(wildcard tools/sipalgctl/*.c tools/sipalgctl/*.h)
TOOLS_STYLE_IGNORE = VOLATILE,CAMELCASE,PREFER_DEFINED_ATTRIBUTE_MACRO,MACRO_ARG_REUSE

# Builds for other kernels than the top-level one go to .build/<krel>/, a tree
# of symlinks to the sources: Kbuild puts objects next to the sources (M=), so
# one directory per kernel keeps builds from overwriting each other.
BUILD_ROOT := .build
BDIR = $(BUILD_ROOT)/$(KREL)
CACHE := .cache

W ?= 1
FUZZ_SECONDS ?= 60
# pkg-install.sh needs the packages and minutes of DKMS under TCG: `make vm-package`.
TESTS ?= $(sort $(filter-out %/pkg-install.sh,$(wildcard selftests/netns/*.sh))) \
	 selftests/demo/call.sh
# make check runs TESTS on every kernel but the oldest (6.1), where it skips
# what is about memory per call and unload races, and the real SIP software
# (interop-*, the same on every kernel): 6.12 and the debug kernel run
# those, and the hour make check may take on 2 cores has no room for both.
TESTS_OLDEST ?= $(filter-out $(addprefix selftests/netns/,sip-call-memory.sh sip-storm-unload.sh \
	interop-calls.sh interop-load.sh),$(TESTS))
# What `make vm-debug` (and so make check) runs on the debug kernel: KASAN,
# lockdep and kmemleak under TCG make each test several times slower, so
# not all of them. The call-state tests are there for what only that kernel
# sees (issue 11); together about 12 minutes on 2 cores.
DEBUG_TESTS ?= $(addprefix selftests/netns/,module_load.sh sip-outbound.sh sip-stranger-bye.sh \
		sip-malformed-drop.sh sip-storm-unload.sh sip-quiet-call.sh sip-budget.sh)
# What `make vm-trixie` (and so make check) runs on Debian's 7.3, from the
# trixie chroot of scripts/trixie-root: make check has no time for the whole
# suite there. sip-pins-bound and ctl-calls-truncated are for 7.3's limit of
# 255 waiting pinholes of a class per signalling flow, sip-pin-pair for its
# nf_ct_expect_related_pair() (docs/design.md).
TRIXIE_TESTS ?= $(addprefix selftests/netns/,module_load.sh nft_helper.sh sip-outbound.sh \
		sip-trunk.sh ctl-calls.sh sip-register.sh sip-tcp-stream.sh sip-as-sip.sh sip-sipp.sh \
		sip-pins-bound.sh ctl-calls-truncated.sh sip-pin-pair.sh)

.PHONY: uapi uapi-check all module kbuild build-all sparse style checkpatch unit bench bench-parse fuzz fuzz-smoke \
	vm-test vm-debug vm-trixie interop debug-kernel dkms-check probe-check check demo deps install uninstall dkms-source dkms-install clean distclean help \
	tools tools-check tools-install deb vm-package install-boot-files

all: module

help:
	@echo 'Build'
	@echo '  make [KREL=<release>|KDIR=<dir>]  build $(MODULE).ko here, for KREL ($(KREL))'
	@echo '  make kbuild KREL=<release>       build in $(BUILD_ROOT)/<release>/ (used by the tests)'
	@echo '  make build-all                   kbuild for every installed kernel: $(CHECK_KRELS)'
	@echo '  make sparse                      sparse (C=2) over the module, must print nothing'
	@echo '  make style                       checkpatch --strict over our C sources and sipalgctl'
	@echo '  make tools                       build tools/sipalgctl/sipalgctl (needs libmnl-dev)'
	@echo '  make uapi | uapi-check            regenerate | verify $(UAPI_HEADER) from $(NL_SPEC)'
	@echo 'Test'
	@echo '  make check                       everything CI runs (deps, builds, tests, VMs)'
	@echo '  make unit                        userspace unit tests (selftests/unit)'
	@echo '  make tools-check                 build sipalgctl and run its unit test'
	@echo '  make bench                       kernel SIP helper vs ours, time per INVITE in the VM'
	@echo '  make bench-parse                 parser benchmark (selftests/unit)'
	@echo '  make fuzz [FUZZ_SECONDS=n]       run the fuzzers (selftests/fuzz), default $(FUZZ_SECONDS)s'
	@echo '  make vm-test [KREL=..] [TESTS=..] boot KREL in QEMU and run selftests (selftests/vm/run)'
	@echo '  make vm-debug [DEBUG_TESTS=..]   the same on the debug kernel (KASAN, lockdep, kmemleak)'
	@echo '  make vm-trixie [TRIXIE_TESTS=..] the same on Debian 7.3, from the trixie chroot'
	@echo '  make debug-kernel                build (or find in its cache) that debug kernel'
	@echo '  make interop                     kamailio, sipp, baresip, linphonec through ours and the kernel helper (VM)'
	@echo '  make dkms-check                  dkms build for every installed kernel, in a scratch tree'
	@echo '  make probe-check                 what the feature probes find on each kernel, checked'
	@echo '  make demo                        a phone calls a server through the router, in a VM'
	@echo 'Install'
	@echo '  make deps                        install build/test dependencies (root, Debian 12)'
	@echo '  make install                     install the module for KREL and run depmod'
	@echo '  make tools-install [PREFIX=..]   install sipalgctl and its man page (PREFIX=/usr/local)'
	@echo '  make uninstall                   remove what make install installed'
	@echo '  make dkms-install                register, build and install the module with DKMS'
	@echo '  make install-boot-files          copy examples/ to /etc: load at boot, options, sysctls, nft'
	@echo '  make deb                         Debian packages nf-sip-alg-dkms and sipalgctl, in $(BUILD_ROOT)/deb/'
	@echo '  make vm-package                  make deb, then install them in a VM on $(PACKAGE_KREL)'
	@echo '  make clean | distclean           remove build products | and caches'

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=$(W) modules

# Build in $(BDIR) and fail on any compiler or modpost warning.
kbuild:
	@test -d $(KDIR) || { echo "no kernel headers in $(KDIR)" >&2; exit 1; }
	@mkdir -p $(BDIR)
	@find $(BDIR) -maxdepth 1 -type l ! -exec test -e {} \; -delete
	@for f in $(KBUILD_SOURCES); do ln -sfn $(CURDIR)/$$f $(BDIR)/$$f; done
	@$(MAKE) -C $(KDIR) M=$(CURDIR)/$(BDIR) W=$(W) modules 2>&1 | tee $(BDIR)/build.log
	@! grep -i 'warning' $(BDIR)/build.log

# For scripts: `make -s print-KREL`, `make -s print-CHECK_KRELS`.
print-%:
	@echo $($*)

build-all:
	@for k in $(CHECK_KRELS); do $(MAKE) --no-print-directory kbuild KREL=$$k || exit; done

# C=2 checks every file, built or not; any output from sparse is a finding.
sparse: kbuild
	@$(MAKE) -C $(KDIR) M=$(CURDIR)/$(BDIR) C=2 modules 2>&1 | tee $(BDIR)/sparse.log
	@! grep -E ': (warning|error):' $(BDIR)/sparse.log

# checkpatch.pl and its word lists come from Debian's kernel source tarball.
CHECKPATCH := $(CACHE)/checkpatch/scripts/checkpatch.pl
$(CHECKPATCH):
	@test -r /usr/src/linux-source-6.1.tar.xz || { echo "install linux-source-6.1 (make deps)" >&2; exit 1; }
	@mkdir -p $(CACHE)/checkpatch
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C $(CACHE)/checkpatch --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
	@touch $@

style checkpatch: $(CHECKPATCH)
	$(CHECKPATCH) --strict --no-tree --quiet --show-types -f $(STYLE_SOURCES)
	$(CHECKPATCH) --strict --no-tree --quiet --show-types --ignore $(TOOLS_STYLE_IGNORE) \
		-f $(TOOLS_STYLE_SOURCES)

# The userspace parts have their own Makefiles; until they exist, say so.
define delegate
	@if [ -f $(1)/Makefile ]; then $(MAKE) -C $(1) $(2); \
	else echo "$(1)/Makefile does not exist yet: skipping $(2)"; fi
endef

# sipalgctl, the command-line tool (C, libmnl), and its unit test.
tools:
	$(MAKE) -C tools/sipalgctl

tools-check:
	$(MAKE) -C tools/sipalgctl check

tools-install:
	$(MAKE) -C tools/sipalgctl install

unit:
	$(call delegate,selftests/unit,check)

bench:
	bench/run

bench-parse:
	$(call delegate,selftests/unit,bench-parse)

fuzz:
	$(call delegate,selftests/fuzz,run FUZZ_SECONDS=$(FUZZ_SECONDS))

fuzz-smoke:
	$(call delegate,selftests/fuzz,smoke FUZZ_SECONDS=$(FUZZ_SECONDS))

vm-test:
	selftests/vm/run --kernel $(KREL) $(TESTS)

# The Debian packages (debian/), built from a copy of the tree in a temporary
# directory, into $(BUILD_ROOT)/deb/, and checked with lintian.
deb:
	scripts/deb-build $(BUILD_ROOT)/deb

# Install the packages in a VM (the guest has DKMS build the module, which
# takes minutes under TCG) and place a call with the packaged module.
PACKAGE_KREL ?= $(lastword $(filter 6.12.%,$(CHECK_KRELS)))
vm-package: deb
	selftests/vm/run --kernel $(PACKAGE_KREL) --test-timeout 1200 selftests/netns/pkg-install.sh

# The kernel is built by scripts/debug-kernel on first use and cached
# outside the tree (/var/cache/nf_sip_alg/debug-kernel/).
vm-debug:
	selftests/vm/run --kernel debug $(DEBUG_TESTS)

vm-trixie:
	selftests/vm/run --kernel trixie $(TRIXIE_TESTS)

# Real SIP software (kamailio, sipp, baresip, linphonec) through our helper and the
# kernel's, side by side (selftests/interop/), in a VM on 6.12: the table
# goes to selftests/interop/results.md and is printed, pass or fail (none
# when the run died before writing it: no stale table). The guest gets no
# environment: INTEROP_ONLY, INTEROP_HELPERS, INTEROP_JOBS, REREG_INTERVAL
# and REREG_ROUNDS (selftests/interop/run.sh) reach it through a wrapper.
INTEROP_KREL ?= $(lastword $(filter 6.12.%,$(CHECK_KRELS)))
INTEROP_VARS = INTEROP_ONLY INTEROP_HELPERS INTEROP_JOBS REREG_INTERVAL REREG_ROUNDS
interop:
	rm -f selftests/interop/results.md
	mkdir -p .build/interop
	w=.build/interop/run.$$$$.sh; \
	{ echo '#!/bin/sh'; \
	  $(foreach v,$(INTEROP_VARS),echo "export $(v)='$($(v))'";) \
	  echo 'exec "$(CURDIR)/selftests/interop/run.sh"'; } >$$w; \
	chmod +x $$w; \
	selftests/vm/run --kernel $(INTEROP_KREL) --test-timeout 720 --timeout 840 $$w || rc=$$?; \
	rm -f $$w; cat selftests/interop/results.md; exit $${rc:-0}

debug-kernel:
	scripts/debug-kernel

# What each feature probe (probes/) finds on every installed kernel and on
# 7.3 in the trixie chroot, checked against what their headers have.
probe-check:
	@scripts/probe-check $(CHECK_KRELS) trixie

# dkms add + build in a throw-away DKMS tree, for every installed kernel.
dkms-check:
	@scripts/dkms-check $(CHECK_KRELS)

# The uapi header is generated from the netlink spec, which is the truth.
NL_SPEC := docs/netlink/sip_alg.yaml
UAPI_HEADER := include/uapi/linux/nf_sip_alg.h
uapi:
	scripts/nl-uapi-gen.py $(NL_SPEC) $(UAPI_HEADER)

uapi-check:
	scripts/nl-uapi-gen.py --check $(NL_SPEC) $(UAPI_HEADER)

check:
	@scripts/check

demo:
	@scripts/demo

deps:
	scripts/deps.sh

# updates/, as DKMS does, whatever the kernel's default for external modules.
# INSTALL_MOD_PATH=<dir> installs into a staging root (packaging): no depmod then.
INSTALL_MOD_DIR ?= updates
DEPMOD = $(if $(INSTALL_MOD_PATH),,depmod -a $(KREL))

# Distribution headers (Debian's) have no signing key: do not try to sign.
NO_SIGN = $(if $(wildcard $(KDIR)/certs/signing_key.pem),,CONFIG_MODULE_SIG_ALL=)

install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) $(NO_SIGN) modules_install
	$(DEPMOD)

uninstall:
	rm -f $(INSTALL_MOD_PATH)/lib/modules/$(KREL)/$(INSTALL_MOD_DIR)/$(MODULE).ko*
	$(DEPMOD)

# The module's sources as DKMS wants them, in DEST, with the small Makefile
# of dkms/ instead of this one (the nf-sip-alg-dkms package ships the same).
dkms-source:
	@test -n "$(DEST)" || { echo "usage: make dkms-source DEST=<dir>" >&2; exit 1; }
	@mkdir -p $(DEST)
	cp -r $(KBUILD_SOURCES) $(DEST)/
	cp dkms/Makefile $(DEST)/Makefile

# What a router installs to have the ALG after every boot (docs/router-boot.md).
SYSCONFDIR ?= /etc
install-boot-files:
	install -D -m 644 examples/modules-load.d/nf_sip_alg.conf \
		$(DESTDIR)$(SYSCONFDIR)/modules-load.d/nf_sip_alg.conf
	install -D -m 644 examples/modprobe.d/nf_sip_alg.conf \
		$(DESTDIR)$(SYSCONFDIR)/modprobe.d/nf_sip_alg.conf
	install -D -m 644 examples/sysctl.d/60-nf_sip_alg.conf \
		$(DESTDIR)$(SYSCONFDIR)/sysctl.d/60-nf_sip_alg.conf
	install -D -m 644 -t $(DESTDIR)$(SYSCONFDIR)/nftables.d \
		examples/nft/sip-alg.nft examples/nft/sip-qos.nft

dkms-install:
	rm -rf /usr/src/$(MODULE)-$(VERSION)
	$(MAKE) --no-print-directory dkms-source DEST=/usr/src/$(MODULE)-$(VERSION)
	dkms install $(MODULE)/$(VERSION)

clean:
	if [ -d $(KDIR) ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	$(MAKE) -C tools/sipalgctl clean
	rm -rf $(BUILD_ROOT)

distclean: clean
	rm -rf $(CACHE)
