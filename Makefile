# SPDX-License-Identifier: GPL-2.0
#
# dirtyquota: per-vCPU dirty memory quotas for KVM.
#
#   make            patched KVM modules, dirtyquota.ko, dqctl, tests
#   make check      everything, then the unit tests and the QEMU sandbox suite
#                   on Linux 6.1; KERNEL=6.12 for the 6.12 line
#   make check-debug  libFuzzer over dqctl's parsers, then the sandbox suite
#                   on a debug kernel (KASAN, lockdep, kmemleak) built from
#                   the 6.1 source, cached in DQ_CACHE
#   make demo       a small VM in the sandbox and its per-vCPU counters
#   make bench      the benchmarks: hook cost, limit accuracy, fairness,
#                   migration convergence; build/bench/results.json, plots
#   make check-install  the README's install and uninstall blocks, verbatim,
#                   in a Debian 12 guest booted under QEMU (KERNEL= too)
#   make style      checkpatch --strict over the module and the core patches
#   make kabi       the patched KVM's exports have the kernel's own CRCs
#   make sparse     sparse over the module
#   make install    dqctl, its man page and bash completion (PREFIX, DESTDIR),
#                   and the udev rule for /dev/dirtyquota (UDEVDIR)
#   make dkms-install  the dkms packages dirtyquota and kvm-dirtyquota, into
#                   /usr/src, and adds them to dkms (DESTDIR: only copies)
#   make dkms-remove   and uninstall, the reverse
#
# Run as root on Debian 12: the first `make check` installs what it needs.

# The kernel lines we support, and the Debian kernel each is tested on; the
# Debian package versions are pinned in scripts/install-deps.sh.
KERNEL		?= 6.1
ABI_6.1		:= 6.1.0-56-amd64
ABI_6.12	:= 6.12.117+deb12-amd64
KERNEL_ABI	?= $(ABI_$(KERNEL))
KERNEL_LINE	?= $(KERNEL)
KSRC_TARBALL	?= /usr/src/linux-source-$(KERNEL_LINE).tar.xz
KDIR		?= /lib/modules/$(KERNEL_ABI)/build
DQ_CACHE	?= /var/cache/dirtyquota
export DQ_CACHE

BUILD		:= $(CURDIR)/build
KVM_DIR		:= $(BUILD)/kvm-$(KERNEL_ABI)
KVM_KO		:= $(KVM_DIR)/arch/x86/kvm/kvm.ko
DQ_KO		:= $(BUILD)/module-$(KERNEL_ABI)/dirtyquota.ko
IMAGE_DIR	:= $(DQ_CACHE)/image-$(KERNEL_ABI)
SELFTESTS	:= $(BUILD)/selftests-$(KERNEL_ABI)
VERSION		:= $(shell cat $(CURDIR)/VERSION)
DQ_VERSION	:= $(VERSION)$(shell git -C $(CURDIR) describe --always --dirty 2>/dev/null | sed "s/^/+g/")

MODULE_SRC	:= $(filter-out %.mod.c,$(wildcard module/*.c module/*.h)) module/Kbuild
HOOKBENCH_SRC	:= bench/kmod/dq_hookbench.c bench/kmod/dq_hookbench.h bench/kmod/Kbuild

.PHONY: all deps kvm module module-src hookbench tools unit selftests check check-debug \
	check-install debug-kernel install-rootfs \
	bench demo style kabi sparse install uninstall dkms-install dkms-remove clean

all: kvm module tools selftests hookbench

deps:
	@scripts/install-deps.sh $(KERNEL_ABI)

$(KVM_KO): kvm/build.sh kvm/kabi-check.sh $(wildcard kvm/patches/$(KERNEL_LINE)/*.patch)
	@echo "kvm: building patched KVM modules for $(KERNEL_ABI) (about a minute)"
	@KDIR=$(KDIR) kvm/build.sh $(KERNEL_ABI) $(KSRC_TARBALL) kvm/patches/$(KERNEL_LINE) $(KVM_DIR) \
		$(DQ_VERSION) >$(BUILD)/kvm-$(KERNEL_ABI).log 2>&1 || \
		{ tail -n 40 $(BUILD)/kvm-$(KERNEL_ABI).log; exit 1; }

kvm: | $(BUILD)
	@$(MAKE) --no-print-directory $(KVM_KO)

$(BUILD):
	@mkdir -p $@

# Each kernel gets its own copy of the sources, so objects never mix.
MODULE_BUILD	:= $(BUILD)/module-$(KERNEL_ABI)
MODULE_KBUILD	= $(MAKE) --no-print-directory -C $(KDIR) M=$(MODULE_BUILD)/module \
		  KVM_DIR=$(KVM_DIR) DQ_VERSION=$(DQ_VERSION) \
		  KBUILD_EXTRA_SYMBOLS=$(KVM_DIR)/arch/x86/kvm/Module.symvers

module-src:
	@mkdir -p $(MODULE_BUILD)/module $(MODULE_BUILD)/uapi/linux
	@cp -u module/*.c module/*.h module/Kbuild $(MODULE_BUILD)/module/
	@cp -u uapi/linux/dirtyquota.h $(MODULE_BUILD)/uapi/linux/

module: kvm module-src
	@echo "module: building dirtyquota.ko $(DQ_VERSION) for $(KERNEL_ABI)"
	@$(MODULE_KBUILD) W=1 modules
	@cp $(MODULE_BUILD)/module/dirtyquota.ko $(DQ_KO)

# make bench's timing module, against the kernel's own headers (it loads
# on the stock KVM and on the patched one), next to the bench programs.
HOOKBENCH_BUILD	:= $(BUILD)/hookbench-$(KERNEL_ABI)

hookbench: selftests
	@mkdir -p $(HOOKBENCH_BUILD)
	@cp -u $(HOOKBENCH_SRC) $(HOOKBENCH_BUILD)/
	@$(MAKE) --no-print-directory -C $(KDIR) M=$(HOOKBENCH_BUILD) W=1 modules >$(HOOKBENCH_BUILD).log 2>&1 || \
		{ cat $(HOOKBENCH_BUILD).log; exit 1; }
	@! grep -i warning $(HOOKBENCH_BUILD).log
	@cp $(HOOKBENCH_BUILD)/dq_hookbench.ko $(SELFTESTS)/

# dqctl for this host, and a static one for the sandbox's busybox.
DQCTL		:= $(MAKE) -s --no-print-directory -C tools/dqctl
FUZZ_SECONDS	?= 20

tools:
	@echo "tools: building dqctl $(DQ_VERSION)"
	@$(DQCTL) OUT=$(BUILD)/dqctl
	@$(DQCTL) OUT=$(BUILD)/dqctl-static STATIC=1 2>&1 | \
		{ grep -Ev 'libnl-3.a|statically linked applications requires at runtime' || true; }

unit:
	@$(MAKE) --no-print-directory -C selftests/unit OUT=$(BUILD)/unit
	@$(DQCTL) OUT=$(BUILD)/dqctl tests

selftests: tools
	@$(MAKE) --no-print-directory -C selftests KSRC_TARBALL=$(KSRC_TARBALL) \
		OUT=$(SELFTESTS)
	@cmp -s $(BUILD)/dqctl-static/dqctl $(SELFTESTS)/dqctl || \
		cp $(BUILD)/dqctl-static/dqctl $(SELFTESTS)/

check: deps
	@$(MAKE) --no-print-directory all unit
	@$(MAKE) --no-print-directory style
	@sandbox/qemu-bundle.sh --guest $(SELFTESTS)/guest-bare.elf \
		--out $(BUILD)/qemu-bundle.cpio.gz
	@sandbox/check.sh --image-dir $(IMAGE_DIR) \
		--kvm-dir $(KVM_DIR)/arch/x86/kvm --module $(DQ_KO) \
		--selftests $(SELFTESTS) --unit $(BUILD)/unit \
		--unit $(BUILD)/dqctl/tests --out $(BUILD)/check-$(KERNEL_ABI) \
		--qemu-bundle $(BUILD)/qemu-bundle.cpio.gz

# The debug kernel is built once per source and sandbox/debug.config; KVM
# and dirtyquota.ko are built against it as for another kernel, named after
# its cache directory.  The test programs are the same as for 6.1.
check-debug: deps
	@[ "$(KERNEL)" = 6.1 ] || { echo "check-debug: Linux 6.1 only" >&2; exit 2; }
	@$(MAKE) --no-print-directory selftests
	@echo "check-debug: libFuzzer over dqctl's parsers, $(FUZZ_SECONDS) s each"
	@$(DQCTL) OUT=$(BUILD)/dqctl FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz
	@dir=$$(sandbox/debug-kernel.sh $(KSRC_TARBALL) sandbox/debug.config) && \
	abi=$$(basename $$dir) && \
	$(MAKE) --no-print-directory kvm module KERNEL_ABI=$$abi KDIR=$$dir/build && \
	sandbox/check-debug.sh --kernel-dir $$dir/build \
		--kvm-dir $(BUILD)/kvm-$$abi/arch/x86/kvm \
		--module $(BUILD)/module-$$abi/dirtyquota.ko \
		--selftests $(SELFTESTS) --out $(BUILD)/check-debug

# The debug kernel alone, into the cache (CI builds it on the core that the
# sandbox suites leave idle: they emulate on one).
debug-kernel: deps
	@sandbox/debug-kernel.sh $(KSRC_TARBALL) sandbox/debug.config >/dev/null

# check-install's Debian root filesystem alone, into the cache (CI builds it
# while make check runs: it is mostly downloads and disk).
install-rootfs: deps
	@scripts/check-install.sh --abi $(KERNEL_ABI) --rootfs-only

# CHECK_INSTALL_FLAGS=--worktree tests the working tree, not HEAD.
check-install: deps
	@$(MAKE) --no-print-directory selftests
	@scripts/check-install.sh --abi $(KERNEL_ABI) --selftests $(SELFTESTS) \
		--out $(BUILD)/check-install-$(KERNEL_ABI) $(CHECK_INSTALL_FLAGS)

# The benchmarks (bench/, built with the selftests), in one sandbox boot;
# BENCH_FLAGS for sandbox/bench.sh, e.g. --only migrate --args migrate=-q.
bench:
	@scripts/install-deps.sh $(KERNEL_ABI) gnuplot-nox
	@$(MAKE) --no-print-directory all
	@sandbox/bench.sh --image-dir $(IMAGE_DIR) \
		--kvm-dir $(KVM_DIR)/arch/x86/kvm --module $(DQ_KO) \
		--selftests $(SELFTESTS) --out $(BUILD)/bench $(BENCH_FLAGS)

demo: deps
	@$(MAKE) --no-print-directory all
	@sandbox/demo.sh --image-dir $(IMAGE_DIR) \
		--kvm-dir $(KVM_DIR)/arch/x86/kvm --module $(DQ_KO) \
		--selftests $(SELFTESTS) --out $(BUILD)/demo-$(KERNEL_ABI)

# The netlink spec is validated against the schema of the newest kernel
# source there is (6.1 has none).
SCHEMA_TARBALL	:= $(lastword $(sort $(wildcard /usr/src/linux-source-6.1[2-9].tar.xz)))
SCHEMA		:= $(DQ_CACHE)/netlink-schema/genetlink.yaml

$(SCHEMA): $(SCHEMA_TARBALL)
	@mkdir -p $(@D)
	@tar -xJf $< -O $(basename $(basename $(notdir $<)))/Documentation/netlink/genetlink.yaml >$@.tmp
	@mv $@.tmp $@

style: $(if $(SCHEMA_TARBALL),$(SCHEMA))
	@scripts/checkpatch.sh $(KSRC_TARBALL) "$(wildcard kvm/patches/*)" $(MODULE_SRC) $(HOOKBENCH_SRC) uapi/linux/dirtyquota.h
	@$(if $(SCHEMA_TARBALL),,echo "style: no linux-source-6.12: the netlink spec is not validated against the kernel's schema")
	@scripts/spec-check.py uapi/dirtyquota.yaml uapi $(if $(SCHEMA_TARBALL),$(SCHEMA))

# Modules built against the stock KVM (i915's kvmgt.ko) still load; every
# kvm/build.sh checks this too, so `make kvm` does not build one that fails.
kabi: kvm
	@kvm/kabi-check.sh $(KDIR)/Module.symvers $(KVM_DIR)/arch/x86/kvm/Module.symvers

sparse: kvm module-src
	@$(MODULE_KBUILD) C=2 modules

UDEVDIR		?= /etc/udev/rules.d

install:
	@$(MAKE) --no-print-directory -C tools/dqctl OUT=$(BUILD)/dqctl install
	install -D -m 0644 udev/60-dirtyquota.rules $(DESTDIR)$(UDEVDIR)/60-dirtyquota.rules

uninstall:
	@$(MAKE) --no-print-directory -C tools/dqctl uninstall
	rm -f $(DESTDIR)$(UDEVDIR)/60-dirtyquota.rules

# The two dkms packages, as dkms wants them: /usr/src/NAME-VERSION.
DKMS_SRC	:= $(DESTDIR)/usr/src
DKMS_DQ		:= $(DKMS_SRC)/dirtyquota-$(VERSION)
DKMS_KVM	:= $(DKMS_SRC)/kvm-dirtyquota-$(VERSION)
DKMS_ADDED	= dkms status -m $(1) -v $(VERSION) | grep -q .

dkms-install:
	rm -rf $(DKMS_DQ) $(DKMS_KVM)
	install -d $(DKMS_DQ)/module $(DKMS_DQ)/uapi/linux $(DKMS_DQ)/scripts \
		$(addprefix $(DKMS_KVM)/,$(subst kvm/,,$(wildcard kvm/patches/*)))
	sed 's/@VERSION@/$(VERSION)/' dkms.conf >$(DKMS_DQ)/dkms.conf
	install -m 0644 $(MODULE_SRC) $(DKMS_DQ)/module/
	install -m 0644 uapi/linux/dirtyquota.h $(DKMS_DQ)/uapi/linux/
	install -m 0755 scripts/dkms-pre-build.sh $(DKMS_DQ)/scripts/
	sed 's/@VERSION@/$(VERSION)/' kvm/dkms.conf >$(DKMS_KVM)/dkms.conf
	install -m 0755 kvm/build.sh kvm/kabi-check.sh kvm/dkms-post-build.sh $(DKMS_KVM)/
	for d in kvm/patches/*/; do \
		install -m 0644 $${d}0*.patch $(DKMS_KVM)/$${d#kvm/} || exit; \
	done
ifeq ($(DESTDIR),)
	$(call DKMS_ADDED,kvm-dirtyquota) || dkms add kvm-dirtyquota/$(VERSION)
	$(call DKMS_ADDED,dirtyquota) || dkms add dirtyquota/$(VERSION)
endif

dkms-remove:
ifeq ($(DESTDIR),)
	! $(call DKMS_ADDED,dirtyquota) || dkms remove dirtyquota/$(VERSION) --all
	! $(call DKMS_ADDED,kvm-dirtyquota) || dkms remove kvm-dirtyquota/$(VERSION) --all
endif
	rm -rf $(DKMS_DQ) $(DKMS_KVM)

clean:
	rm -rf $(BUILD)
