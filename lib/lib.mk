# libvmon: build rules for build/libvmon.so.1 (+ libvmon.so) and build/libvmon.a.

# Quiet by default ("  CC  file"), every command with V=1, nothing with make -s.
ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
msg = @true
else
msg = @printf '  %-7s %s\n' '$(1)' '$(2)'
endif
endif

LIB_SONAME := libvmon.so.1
LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRCS))

# Every object gets dependency files, so header edits rebuild what they touch.
USER_CFLAGS = $(WARNFLAGS) $(CFLAGS) $(CPPFLAGS) $(NL_CFLAGS) -MMD -MP

# -fPIC once for both libraries; hidden visibility keeps internals internal.
$(BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(USER_CFLAGS) -fPIC -fvisibility=hidden -c -o $@ $<

$(BUILD)/$(LIB_SONAME): $(LIB_OBJS) lib/libvmon.map
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,$(LIB_SONAME) \
		-Wl,--version-script=lib/libvmon.map -Wl,--no-undefined \
		-o $@ $(LIB_OBJS) $(LIBVMON_LIBS)

$(BUILD)/libvmon.so: $(BUILD)/$(LIB_SONAME)
	$(Q)ln -sf $(LIB_SONAME) $@

$(BUILD)/libvmon.a: $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $(LIB_OBJS)

-include $(LIB_OBJS:.o=.d)
