# make install / uninstall: the CLI, libvmon, its headers and pkg-config file,
# man pages, bash completion and the systemd unit under PREFIX, and the
# module's sources under /usr/src for DKMS, which builds and installs vmon.ko
# for every kernel with headers and again for each new kernel.  Packages
# (debian/rules, rpm/vmon.spec) use install-user and install-dkms-src with
# DESTDIR, and leave DKMS to the package's scripts.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
COMPLETIONDIR ?= $(DATADIR)/bash-completion/completions
UNITDIR ?= $(PREFIX)/lib/systemd/system
DKMS_DIR := /usr/src/vmon-$(VERSION)
INSTALL ?= install
# The directories install-user puts files in. `make install` lists those it
# creates in DIRS_LIST (tools/install-dirs), so that `make uninstall` removes
# them and no directory that was there before.
DIRS_LIST := $(DATADIR)/vmon/installed-dirs
INSTALL_DIRS = $(BINDIR) $(LIBDIR)/pkgconfig $(INCLUDEDIR)/linux $(MANDIR)/man8 \
	$(MANDIR)/man3 $(COMPLETIONDIR) $(UNITDIR)

# Exactly what DKMS builds from: no git, no build products, no tests.
DKMS_SRCS := kmod/Kbuild kmod/version.h kmod/vmon.h kmod/uapi/linux/vmon.h \
	kmod/compat/compat.h kmod/compat/probe \
	kmod/main.c kmod/config.c kmod/account.c kmod/access.c kmod/ns.c kmod/ksyms.c kmod/netlink.c kmod/event.c \
	kmod/owner.c kmod/watch.c kmod/group.c kmod/target.c kmod/snapshot.c \
	kmod/process.c kmod/metric.c

$(BUILD)/vmon.pc: lib/vmon.pc.in kmod/version.h | $(BUILD)
	$(call msg,GEN,$@)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' $< >$@

# The .pc file records PREFIX and LIBDIR: rebuild it on every install.
install-user: userspace
	@rm -f $(BUILD)/vmon.pc
	$(MAKE) --no-print-directory $(BUILD)/vmon.pc
	$(INSTALL) -d $(addprefix $(DESTDIR),$(INSTALL_DIRS))
	$(INSTALL) -m 755 $(BUILD)/vmon $(DESTDIR)$(BINDIR)/vmon
	$(INSTALL) -m 755 $(BUILD)/$(LIB_SONAME) $(DESTDIR)$(LIBDIR)/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(DESTDIR)$(LIBDIR)/libvmon.so
	$(INSTALL) -m 644 $(BUILD)/libvmon.a $(DESTDIR)$(LIBDIR)/libvmon.a
	$(INSTALL) -m 644 $(BUILD)/vmon.pc $(DESTDIR)$(LIBDIR)/pkgconfig/vmon.pc
	$(INSTALL) -m 644 lib/vmon.h $(DESTDIR)$(INCLUDEDIR)/vmon.h
	$(INSTALL) -m 644 lib/vmon_compat.h $(DESTDIR)$(INCLUDEDIR)/vmon_compat.h
	$(INSTALL) -m 644 kmod/uapi/linux/vmon.h $(DESTDIR)$(INCLUDEDIR)/linux/vmon.h
	$(INSTALL) -m 644 docs/vmon.8 $(DESTDIR)$(MANDIR)/man8/vmon.8
	$(INSTALL) -m 644 docs/libvmon.3 $(DESTDIR)$(MANDIR)/man3/libvmon.3
	$(INSTALL) -m 644 cli/vmon.bash-completion $(DESTDIR)$(COMPLETIONDIR)/vmon
	sed 's|@BINDIR@|$(BINDIR)|' cli/vmon-listen.service >$(DESTDIR)$(UNITDIR)/vmon-listen.service
	chmod 644 $(DESTDIR)$(UNITDIR)/vmon-listen.service

install-dkms-src:
	$(INSTALL) -d $(DESTDIR)$(DKMS_DIR)
	tar -cf - $(DKMS_SRCS) | tar -xf - -C $(DESTDIR)$(DKMS_DIR) --no-same-owner
	$(INSTALL) -m 644 dkms.conf $(DESTDIR)$(DKMS_DIR)/dkms.conf

# Register with DKMS and build for every kernel that has headers; DKMS's own
# kernel hooks then build it for each kernel installed later.
install-dkms: install-dkms-src
	@test -z "$(DESTDIR)" || { echo "install-dkms: DKMS needs the real root, not DESTDIR" >&2; exit 1; }
	@command -v dkms >/dev/null || { echo "install-dkms: no dkms; apt-get install dkms (or dnf install dkms)" >&2; exit 1; }
	dkms status -m vmon -v $(VERSION) | grep -q . || dkms add -m vmon -v $(VERSION)
	@set -e; for d in /lib/modules/*/build; do \
		[ -d "$$d" ] || continue; k=$${d#/lib/modules/}; k=$${k%/build}; \
		dkms install -m vmon -v $(VERSION) -k $$k; \
	done

install: userspace
	@test -z "$(DESTDIR)" || { echo "install: DKMS needs the real root; packages use install-user and install-dkms-src with DESTDIR" >&2; exit 1; }
	tools/install-dirs $(DIRS_LIST) $(INSTALL_DIRS)
	$(MAKE) --no-print-directory install-user install-dkms
	-ldconfig

uninstall:
	-if command -v dkms >/dev/null && dkms status -m vmon -v $(VERSION) | grep -q .; then \
		dkms remove -m vmon -v $(VERSION) --all; fi
	rm -rf $(DESTDIR)$(DKMS_DIR)
	rm -f $(DESTDIR)$(BINDIR)/vmon $(DESTDIR)$(LIBDIR)/$(LIB_SONAME) \
		$(DESTDIR)$(LIBDIR)/libvmon.so $(DESTDIR)$(LIBDIR)/libvmon.a \
		$(DESTDIR)$(LIBDIR)/pkgconfig/vmon.pc $(DESTDIR)$(INCLUDEDIR)/vmon.h $(DESTDIR)$(INCLUDEDIR)/vmon_compat.h \
		$(DESTDIR)$(INCLUDEDIR)/linux/vmon.h $(DESTDIR)$(MANDIR)/man8/vmon.8 \
		$(DESTDIR)$(MANDIR)/man3/libvmon.3 $(DESTDIR)$(COMPLETIONDIR)/vmon \
		$(DESTDIR)$(UNITDIR)/vmon-listen.service
	tools/install-dirs --remove $(DESTDIR)$(DIRS_LIST)
	-ldconfig

.PHONY: install install-user install-dkms-src install-dkms uninstall
