# Programs the integration tests run in the guest (see tests/targets/*.c).
TEST_TARGETS := $(BUILD)/vmon-target $(BUILD)/vmon-demo $(BUILD)/vmon-multi \
	$(BUILD)/vmon-libtest $(BUILD)/vmon-bulk $(BUILD)/vmon-rawnl \
	$(BUILD)/vmon-losttest $(BUILD)/vmon-trust $(BUILD)/vmon-fuse

TARGET_CC = $(CC) $(WARNFLAGS) $(CFLAGS) $(CPPFLAGS)

$(BUILD)/vmon-target: tests/targets/vmon-target.c | $(BUILD)
	$(TARGET_CC) -pthread -o $@ $<

$(BUILD)/vmon-demo $(BUILD)/vmon-multi: $(BUILD)/%: tests/targets/%.c | $(BUILD)
	$(TARGET_CC) -o $@ $<

# These use libvmon.
$(BUILD)/vmon-libtest $(BUILD)/vmon-bulk $(BUILD)/vmon-losttest: $(BUILD)/%: tests/targets/%.c \
		$(BUILD)/libvmon.a lib/vmon.h kmod/uapi/linux/vmon.h | $(BUILD)
	$(TARGET_CC) -o $@ $< $(BUILD)/libvmon.a $(LIBVMON_LIBS)

# This one speaks generic netlink itself, past libvmon's own checks.
$(BUILD)/vmon-rawnl: tests/targets/vmon-rawnl.c tests/targets/nl-answer.h kmod/uapi/linux/vmon.h | $(BUILD)
	$(TARGET_CC) $(NL_CFLAGS) -o $@ $< $(NL_LIBS)

# Attacks on the trust model; no PIE, so its variables sit at one address in every copy.
$(BUILD)/vmon-trust: tests/targets/vmon-trust.c tests/targets/nl-answer.h kmod/uapi/linux/vmon.h | $(BUILD)
	$(TARGET_CC) $(NL_CFLAGS) -fno-pie -no-pie -pthread -o $@ $< $(NL_LIBS)

# A FUSE file that never answers a read, and a target hiding behind it.
$(BUILD)/vmon-fuse: tests/targets/vmon-fuse.c | $(BUILD)
	$(TARGET_CC) -pthread -o $@ $<

# Known call chains for unwinding (build/test-unwind, and the guest):
# CFI only, frame pointers, a non-PIE executable, and C++ names.
TEST_TARGETS += $(BUILD)/vmon-stack $(BUILD)/vmon-stack-fp \
	$(BUILD)/vmon-stack-nopie $(BUILD)/vmon-stack-cxx

$(BUILD)/vmon-stack: tests/targets/vmon-stack.c | $(BUILD)
	$(TARGET_CC) -fomit-frame-pointer -pthread -o $@ $<

$(BUILD)/vmon-stack-fp: tests/targets/vmon-stack.c | $(BUILD)
	$(TARGET_CC) -fno-omit-frame-pointer -pthread -o $@ $<

$(BUILD)/vmon-stack-nopie: tests/targets/vmon-stack.c | $(BUILD)
	$(TARGET_CC) -fno-pie -no-pie -fomit-frame-pointer -pthread -o $@ $<

$(BUILD)/vmon-stack-cxx: tests/targets/vmon-stack-cxx.cc | $(BUILD)
	$(CXX) -O2 -g -fomit-frame-pointer -std=c++17 -Wall -Wextra -Werror -o $@ $<

# Its DWARF in a separate file found by .gnu_debuglink in build/.debug/ (not by build ID).
TEST_TARGETS += $(BUILD)/vmon-stack-debuglink
$(BUILD)/vmon-stack-debuglink: tests/targets/vmon-stack.c | $(BUILD)
	$(TARGET_CC) -fomit-frame-pointer -pthread -o $@.full $<
	mkdir -p $(BUILD)/.debug
	objcopy --only-keep-debug $@.full $(BUILD)/.debug/vmon-stack-debuglink.debug
	objcopy --strip-debug --add-gnu-debuglink=$(BUILD)/.debug/vmon-stack-debuglink.debug $@.full $@
	rm -f $@.full

# A parent blocked in D state (vfork) for scope "system".
TEST_TARGETS += $(BUILD)/vmon-vfork
$(BUILD)/vmon-vfork: tests/targets/vmon-vfork.c | $(BUILD)
	$(TARGET_CC) -o $@ $<

# Variables to find by name (build/test-resolve, and the guest): built -O0
# with DWARF, and the same program without any; both load libvmonvars.so
# from their own directory.
TEST_TARGETS += $(BUILD)/vmon-vars $(BUILD)/vmon-vars-nodebug $(BUILD)/libvmonvars.so
VARS_SRCS := tests/targets/vmon-vars.c tests/targets/vmon-vars2.c
VARS_LDFLAGS = -L$(BUILD) -lvmonvars -Wl,-rpath,'$$ORIGIN'

$(BUILD)/libvmonvars.so: tests/targets/vmon-vars-lib.c tests/targets/vmon-vars.h | $(BUILD)
	$(TARGET_CC) -O0 -g -fPIC -shared -o $@ $<

$(BUILD)/vmon-vars: $(VARS_SRCS) tests/targets/vmon-vars.h $(BUILD)/libvmonvars.so
	$(TARGET_CC) -O0 -g -o $@ $(VARS_SRCS) $(VARS_LDFLAGS)

$(BUILD)/vmon-vars-nodebug: $(VARS_SRCS) tests/targets/vmon-vars.h $(BUILD)/libvmonvars.so
	$(TARGET_CC) -O0 -g0 -o $@ $(VARS_SRCS) $(VARS_LDFLAGS)

# The generic netlink fuzzer (tests/fuzz/, run by 95-fuzz in the guest and by make fuzz).
TEST_TARGETS += $(BUILD)/vmon-fuzz
FUZZ_SRCS := $(wildcard tests/fuzz/*.c)
$(BUILD)/vmon-fuzz: $(FUZZ_SRCS) tests/fuzz/fuzz.h kmod/uapi/linux/vmon.h | $(BUILD)
	$(TARGET_CC) -o $@ $(FUZZ_SRCS)
