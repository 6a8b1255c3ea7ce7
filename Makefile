# vmon: top-level build.  `make` builds vmon.ko, libvmon and the vmon CLI;
# `make check` runs every test (host unit tests, then the QEMU guest suite);
# `make demo` boots a guest and shows a watch firing; `make check-matrix` tests
# every supported kernel; `make install`, `make deb`, `make rpm` (tools/install.mk,
# debian/, rpm/) install or package it.

# One version, in the header DKMS builds from (no git under /usr/src).
VERSION := $(shell sed -n 's/^\#define VMON_MODULE_VERSION "\(.*\)"/\1/p' kmod/version.h)
BUILD := build

CC ?= cc
CFLAGS ?= -O2 -g
WARNFLAGS := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CPPFLAGS += -D_GNU_SOURCE -Ikmod/uapi -Ilib -DVMON_VERSION='"$(VERSION)"'
NL_CFLAGS := $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null)
NL_LIBS := $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null)
# libvmon unwinds and symbolizes with elfutils libdw; C++ names demangle
# through libstdc++'s __cxa_demangle.
DW_LIBS := $(shell pkg-config --libs libdw 2>/dev/null) -lstdc++
LIBVMON_LIBS := $(NL_LIBS) $(DW_LIBS)

# The module builds against KDIR: the running kernel's headers, else the
# newest installed ones (this machine's own kernel has no module support).
# Passed down only once found: `make check` and `make demo` are parsed before
# their `deps` step installs the headers, and their own `$(MAKE) all` must look again.
ifeq ($(origin KDIR),undefined)
KDIR := $(shell tools/kdir)
endif
ifneq ($(KDIR),)
export KDIR
endif
KMAKE = $(MAKE) -C $(KDIR) M=$(CURDIR)/kmod W=1

all: module userspace

module:
	@test -n "$(KDIR)" || { echo "no kernel headers found: apt-get install linux-headers-amd64" >&2; exit 1; }
	$(KMAKE) modules

userspace: $(BUILD)/libvmon.so $(BUILD)/libvmon.a $(BUILD)/vmon

$(BUILD):
	mkdir -p $@

include lib/lib.mk
include cli/cli.mk
include tests/tests.mk
include examples/examples.mk
tests-build: examples
include tools/install.mk

# Install what the build and tests need (Debian), then run everything.
deps:
	tools/install-deps

check: deps
	$(MAKE) all tests-build
	tests/run

# The README's first command on a debootstrapped fresh bookworm root (tests/fresh).
check-fresh: deps
	tests/fresh

# A million fuzzer messages on the debug kernel (tests/fuzz, tests/integration/95-fuzz.sh).
FUZZ_MESSAGES ?= 1000000
FUZZ_KERNEL ?= debug
fuzz: deps
	$(MAKE) all tests-build
	VMON_KVERS=$(FUZZ_KERNEL) VMON_TESTS='^95-fuzz:test_fuzz$$' VMON_FUZZ_MESSAGES=$(FUZZ_MESSAGES) \
		VMON_FUZZ_SECONDS=14400 VMON_VM_TIMEOUT=15000 tests/run --vm

# Build and guest suite on 5.10, 6.1, 6.1-rt, 6.12 and the newest kernel (7.x).
check-matrix: deps
	$(MAKE) all tests-build
	tests/matrix

# Packages: build/deb/*.deb (dpkg-buildpackage + lintian), build/rpm/RPMS/.
deb:
	tools/deb-build

rpm:
	rpm/build

demo: deps
	$(MAKE) all tests-build
	tests/vm/demo

sparse:
	$(KMAKE) C=2 CHECK=sparse modules

clean:
	rm -rf $(BUILD)
	-$(KMAKE) clean 2>/dev/null

.PHONY: all module userspace deps check check-fresh check-matrix fuzz deb rpm demo sparse clean
