# Examples of libvmon in a program's own code: `make examples` builds them
# into $(BUILD)/examples/, linked with libvmon.a so they run from anywhere.
# Included from the top-level Makefile, after lib/lib.mk.

EXAMPLES := $(addprefix $(BUILD)/examples/,self-watch many-vars deep-stack \
	hugetlb legacy)
EXAMPLE_DEPS := examples/commands.h lib/vmon.h lib/vmon_compat.h \
	kmod/uapi/linux/vmon.h $(BUILD)/libvmon.a

# Every call stays a call at -O0, so deep-stack's report shows all twelve levels.
EXAMPLE_FLAGS_deep-stack := -O0 -g -pthread

$(EXAMPLES): $(BUILD)/examples/%: examples/%.c $(EXAMPLE_DEPS)
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(WARNFLAGS) $(CFLAGS) $(CPPFLAGS) $(EXAMPLE_FLAGS_$*) \
		-o $@ $< $(BUILD)/libvmon.a $(LIBVMON_LIBS)

examples: $(EXAMPLES)

.PHONY: examples
