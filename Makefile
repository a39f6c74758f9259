# gpvpn: one GNU Makefile for both programs, the tests, fuzzing and the demo.
# `make` builds gp-auth and gp-tunnel; `make check` runs the whole suite;
# `make asan` runs it again under ASan+UBSan; `make demo` shows a session.

PKGS	:= libcurl openssl libxml-2.0 libcap-ng libseccomp
B	?= build
CC	?= cc
V	?= 0

ifeq ($(V),0)
Q	:= @
say	= @printf '  %-6s %s\n' $(1) $(2);
else
Q	:=
say	=
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN	:= -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wvla
HARDEN	:= -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fPIE \
	   -fstack-clash-protection
VERSION	:= 0.1.0
CFLAGS	?= -O2 -g
ALL_CFLAGS := -std=gnu11 $(CFLAGS) $(WARN) $(HARDEN) -I. $(PKG_CFLAGS) \
	   -MMD -MP -DGPVPN_VERSION='"$(VERSION)"'
ALL_LDFLAGS := -pie -Wl,-z,relro,-z,now,-z,noexecstack $(LDFLAGS)

ifeq ($(SAN),1)
ALL_CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer \
	       -fno-sanitize-recover=all -DGPVPN_SANITIZER=1
ALL_LDFLAGS += -fsanitize=address,undefined
endif

IPC_SRC	    := $(sort $(wildcard ipc/*.c))
SANDBOX_SRC := $(sort $(wildcard sandbox/*.c))
AUTH_SRC    := $(sort $(filter-out auth/gp_auth.c,$(wildcard auth/*.c)))
TUNNEL_SRC  := $(sort $(filter-out tunnel/gp_tunnel.c,$(wildcard tunnel/*.c)))
UNIT_SRC    := $(sort $(wildcard tests/unit/*_test.c))

obj = $(patsubst %.c,$(B)/%.o,$(1))
IPC_OBJ	    := $(call obj,$(IPC_SRC))
SANDBOX_OBJ := $(call obj,$(SANDBOX_SRC))
AUTH_OBJ    := $(call obj,$(AUTH_SRC))
TUNNEL_OBJ  := $(call obj,$(TUNNEL_SRC))

# A unit test named <room>_<what>_test.c links ipc/ and its room.
room_objs = $(IPC_OBJ) $(SANDBOX_OBJ) $(if $(filter auth_%,$(1)),$(AUTH_OBJ)) \
	    $(if $(filter tunnel_%,$(1)),$(TUNNEL_OBJ))
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))

.PHONY: all deps check asan demo lint fuzz fuzz-long clean units
.SUFFIXES:

all: gp-auth gp-tunnel

gp-auth gp-tunnel: %: $(B)/%
	$(Q)cp $< $@

$(B)/gp-auth: $(call obj,auth/gp_auth.c) $(AUTH_OBJ) $(SANDBOX_OBJ) $(IPC_OBJ)
	$(call say,LINK,$@)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/gp-tunnel: $(call obj,tunnel/gp_tunnel.c) $(TUNNEL_OBJ) $(SANDBOX_OBJ) \
    $(IPC_OBJ)
	$(call say,LINK,$@)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -c -o $@ $<

.SECONDEXPANSION:
$(B)/tests/%: $(B)/tests/unit/%.o $$(call room_objs,%)
	$(call say,LINK,$@)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

units: $(UNIT_BIN)

# GOLDEN_UPDATE=1: the unit tests rewrite tests/data's golden files.
golden: units
	$(Q)for t in $(UNIT_BIN); do GOLDEN_UPDATE=1 $$t; done >/dev/null 2>&1; \
	    git status -s tests/data

deps:
	$(Q)sh .ci/deps.sh

# The whole suite; its last line is "N passed, N failed".
check: deps
	$(Q)$(MAKE) --no-print-directory all units B=$(B)
	$(Q)$(MAKE) --no-print-directory fuzz
	$(Q)B=$(B) sh tests/run.sh

asan:
	$(Q)$(MAKE) --no-print-directory check B=build-asan SAN=1

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh tests/netns/demo.sh

lint:
	$(Q)sh tests/lint.sh

# libFuzzer targets: fuzz/<room>_<what>_fuzz.c, built with clang into
# build-fuzz/. `make check` runs each briefly on its corpus; fuzz-long runs
# each for FUZZ_SECONDS.
FUZZ_SRC  := $(sort $(wildcard fuzz/*_fuzz.c))
FUZZ_BIN  := $(patsubst fuzz/%.c,build-fuzz/%,$(FUZZ_SRC))
FUZZ_FLAGS := -std=gnu11 -O1 -g -I. $(PKG_CFLAGS) -Wall -Wextra -Werror \
	   -fsanitize=fuzzer-no-link,address,undefined -DGPVPN_FUZZ=1
fobj = $(patsubst %.c,build-fuzz/%.o,$(1))
fuzz_objs = $(call fobj,$(IPC_SRC)) $(if $(filter auth_%,$(1)),$(call fobj,$(AUTH_SRC))) \
	    $(if $(filter tunnel_%,$(1)),$(call fobj,$(TUNNEL_SRC)))

fuzz: $(FUZZ_BIN)

build-fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CLANG,$<)clang $(FUZZ_FLAGS) -c -o $@ $<

build-fuzz/%: build-fuzz/fuzz/%.o $$(call fuzz_objs,%)
	$(call say,LINK,$@)clang -fsanitize=fuzzer,address,undefined -o $@ $^ $(PKG_LIBS)

FUZZ_SECONDS ?= 300
fuzz-long: fuzz
	$(Q)for f in $(FUZZ_BIN); do n=$$(basename $$f); \
	  mkdir -p fuzz/corpus/$$n; \
	  $$f -max_total_time=$(FUZZ_SECONDS) fuzz/corpus/$$n || exit 1; done

# make bench: gp-tunnel against OpenConnect through one fast C ESP peer
# (how: bench/bench.sh's header); results in bench/results/. bench-short
# is the check CI runs (tests/netns/bench_test.sh): every metric produced,
# no number judged. The peer is always built plain -O2, whatever $(SAN).
BENCH_B	:= build-bench
BENCH_CFLAGS := -std=gnu11 -O2 -g $(WARN) $(HARDEN) -I. $(PKG_CFLAGS) \
	   -DGPVPN_VERSION='"$(VERSION)"'
.PHONY: bench bench-short bench-peer

$(BENCH_B)/esppeer: bench/esppeer.c bench/peerpkt.c bench/peerpkt.h \
    bench/tunoff.c bench/tunoff.h tunnel/esp.c tunnel/esp.h $(IPC_SRC)
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)$(CC) $(BENCH_CFLAGS) -pie -Wl,-z,relro,-z,now \
	    -o $@ $(filter %.c,$^) $(PKG_LIBS)

$(BENCH_B)/blast: bench/blast.c
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)$(CC) $(BENCH_CFLAGS) -pie -Wl,-z,relro,-z,now \
	    -o $@ $<

$(BENCH_B)/tunoff_test: bench/tunoff_test.c bench/tunoff.c bench/tunoff.h
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)$(CC) $(BENCH_CFLAGS) -pie -Wl,-z,relro,-z,now \
	    -o $@ $(filter %.c,$^)

bench-peer: $(BENCH_B)/esppeer $(BENCH_B)/blast $(BENCH_B)/tunoff_test

bench bench-short: deps
	$(Q)sh bench/deps.sh
	$(Q)$(MAKE) --no-print-directory all bench-peer
	$(Q)BENCH_SHORT=$(if $(filter bench-short,$@),1,0) B=$(B) \
	    sh bench/bench.sh

clean:
	rm -rf build build-asan build-fuzz build-bench gp-auth gp-tunnel

-include $(shell find $(B) build-fuzz -name '*.d' 2>/dev/null)
