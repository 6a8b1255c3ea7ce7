# vmon CLI: build/vmon, linked with libvmon.a so it runs without LD_LIBRARY_PATH.

CLI_SRCS := $(wildcard cli/*.c)
CLI_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(CLI_SRCS))

$(BUILD)/cli/%.o: cli/%.c
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(USER_CFLAGS) -Icli -c -o $@ $<

$(BUILD)/vmon: $(CLI_OBJS) $(BUILD)/libvmon.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJS) $(BUILD)/libvmon.a $(LIBVMON_LIBS)

-include $(CLI_OBJS:.o=.d)
