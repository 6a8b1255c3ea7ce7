# Programs the integration tests run in the guest (see tests/targets/*.c).
TEST_TARGETS := $(BUILD)/vmon-target $(BUILD)/vmon-demo $(BUILD)/vmon-multi \
	$(BUILD)/vmon-libtest $(BUILD)/vmon-bulk $(BUILD)/vmon-rawnl \
	$(BUILD)/vmon-losttest

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
$(BUILD)/vmon-rawnl: tests/targets/vmon-rawnl.c kmod/uapi/linux/vmon.h | $(BUILD)
	$(TARGET_CC) $(NL_CFLAGS) -o $@ $< $(NL_LIBS)
