# SPDX-License-Identifier: ISC
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

# CPPFLAGS, CFLAGS, LDFLAGS and PKG_CONFIG come from the environment or
# the command line (dpkg-buildflags sets them); WERROR=0 drops -Werror
# for distribution builds, whose compilers may warn about more.
PKG_CONFIG ?= pkg-config
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

WERROR	?= 1
WARN	:= -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror) -Wformat=2 \
	   -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla
# Our _FORTIFY_SOURCE level wins over one in $(CPPFLAGS).
HARDEN	:= -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3 -fstack-protector-strong \
	   -fPIE -fstack-clash-protection
# The one version: VERSION, which --version, NEWS and debian/changelog
# repeat (tests/netns/version_test.sh checks they agree).
VERSION	:= $(strip $(file <VERSION))
CFLAGS	?= -O2 -g
ALL_CFLAGS := -std=gnu11 $(CPPFLAGS) $(CFLAGS) $(WARN) $(HARDEN) -I. \
	   $(PKG_CFLAGS) -MMD -MP -DGPVPN_VERSION='"$(VERSION)"'
ALL_LDFLAGS := -pie -Wl,-z,relro,-z,now,-z,noexecstack $(LDFLAGS)

ifeq ($(SAN),1)
ALL_CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer \
	       -fno-sanitize-recover=all -DGPVPN_SANITIZER=1
ALL_LDFLAGS += -fsanitize=address,undefined
endif

# VG=1 (make soak's valgrind run, B=build-vg): no seccomp filter, which
# valgrind cannot run under (sandbox/sandbox.c says so at every start).
ifeq ($(VG),1)
ALL_CFLAGS  += -DGPVPN_VALGRIND=1
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

.PHONY: all deps check asan demo lint fuzz fuzz-long fuzz-coverage \
	fuzz-campaign clean units \
	install uninstall FORCE
.SUFFIXES:

all: gp-auth gp-tunnel

gp-auth gp-tunnel: %: $(B)/%
	$(Q)cp $< $@

$(B)/gp-auth: $(call obj,auth/gp_auth.c) $(AUTH_OBJ) $(SANDBOX_OBJ) $(IPC_OBJ)
	$(call say,LINK,$@)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/gp-tunnel: $(call obj,tunnel/gp_tunnel.c) $(TUNNEL_OBJ) $(SANDBOX_OBJ) \
    $(IPC_OBJ)
	$(call say,LINK,$@)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The two files that print the version are rebuilt when it changes.
$(B)/auth/gp_auth.o $(B)/tunnel/gp_tunnel.o: VERSION

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
	   -fsanitize=fuzzer-no-link,address,undefined -DGPVPN_FUZZ=1 -MMD -MP
fobj = $(patsubst %.c,build-fuzz/%.o,$(1))
fuzz_objs = $(call fobj,$(IPC_SRC)) $(if $(filter auth_%,$(1)),$(call fobj,$(AUTH_SRC))) \
	    $(if $(filter tunnel_%,$(1)),$(call fobj,$(TUNNEL_SRC)))

fuzz: $(FUZZ_BIN)

# The objects outlive the link, so a second `make fuzz` builds nothing.
.PRECIOUS: build-fuzz/%.o

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

# fuzz-coverage: each target rebuilt into build-cov/ with clang's
# source-based coverage, run once over its corpus; fuzz/coverage.sh prints
# the line coverage of the parser files it exercises. The llvm tools of
# clang's own version (llvm-14 here): llvm-profdata-14, else llvm-profdata.
CLANG_MAJOR := $(shell clang -dumpversion 2>/dev/null | cut -d. -f1)
llvm_tool = $(or $(shell command -v $(1)-$(CLANG_MAJOR) 2>/dev/null),$(shell \
	    command -v $(1) 2>/dev/null),$(1)-$(CLANG_MAJOR))
COV_BIN   := $(patsubst build-fuzz/%,build-cov/%,$(FUZZ_BIN))
COV_FLAGS := -std=gnu11 -O1 -g -I. $(PKG_CFLAGS) -Wall -Wextra -Werror \
	   -fprofile-instr-generate -fcoverage-mapping -DGPVPN_FUZZ=1 -MMD -MP
cov_objs = $(patsubst build-fuzz/%,build-cov/%,$(call fuzz_objs,$(1)))
.PRECIOUS: build-cov/%.o

build-cov/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,COV,$<)clang $(COV_FLAGS) -c -o $@ $<

build-cov/%: build-cov/fuzz/%.o $$(call cov_objs,%)
	$(call say,LINK,$@)clang -fsanitize=fuzzer -fprofile-instr-generate \
	    -o $@ $^ $(PKG_LIBS)

fuzz-coverage: $(COV_BIN)
	$(Q)LLVM_PROFDATA=$(call llvm_tool,llvm-profdata) \
	    LLVM_COV=$(call llvm_tool,llvm-cov) sh fuzz/coverage.sh

# fuzz-campaign: each target to 10^7 executions (3x10^7 for the frame,
# ESP and GPST decoders), its corpus minimised back into fuzz/corpus/;
# the figures in fuzz/results/. Hours: see fuzz/campaign.sh for the caps.
fuzz-campaign: fuzz
	$(Q)nice -n 19 sh fuzz/campaign.sh
	$(Q)$(MAKE) --no-print-directory fuzz-coverage
	$(Q)sh fuzz/report.sh >fuzz/results/campaign.md

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

$(BENCH_B)/blast: bench/blast.c bench/benchcli.c bench/benchcli.h
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)$(CC) $(BENCH_CFLAGS) -pie -Wl,-z,relro,-z,now \
	    -o $@ $(filter %.c,$^)

$(BENCH_B)/sink: bench/sink.c bench/benchcli.c bench/benchcli.h
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)$(CC) $(BENCH_CFLAGS) -pie -Wl,-z,relro,-z,now \
	    -o $@ $(filter %.c,$^)

$(BENCH_B)/tunoff_test: bench/tunoff_test.c bench/tunoff.c bench/tunoff.h
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)$(CC) $(BENCH_CFLAGS) -pie -Wl,-z,relro,-z,now \
	    -o $@ $(filter %.c,$^)

bench-peer: $(BENCH_B)/esppeer $(BENCH_B)/blast $(BENCH_B)/sink \
    $(BENCH_B)/tunoff_test

bench bench-short: deps
	$(Q)sh bench/deps.sh
	$(Q)$(MAKE) --no-print-directory all bench-peer
	$(Q)BENCH_SHORT=$(if $(filter bench-short,$@),1,0) B=$(B) \
	    sh bench/bench.sh

# make soak: a session of SOAK_SECONDS (1800) with traffic, a rekey every
# 30 s and fault cycles, sampled each SOAK_SAMPLE s, then 90 s with
# gp-tunnel under valgrind (VG=1 in build-vg/); soak-short is CI's, 120 s
# and 60 s. How: tests/soak/soak.sh's header; results in build/soak/.
.PHONY: soak soak-short
soak soak-short: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory all B=build-vg VG=1
	$(Q)B=$(B) sh tests/soak/run.sh $(if $(filter soak,$@),long,short)

# make install / make uninstall. gp-tunnel reads its policy from
# /etc/gpvpn/gp-tunnel.conf whatever the prefix (a path compiled in), so
# SYSCONFDIR is /etc by default: install makes the empty root-owned
# directory $(SYSCONFDIR)/gpvpn for it and installs no policy (the sample
# goes to DOCDIR/examples). The service unit runs $(SBINDIR)/gp-tunnel.
PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
SBINDIR	?= $(PREFIX)/sbin
DATADIR	?= $(PREFIX)/share
MANDIR	?= $(DATADIR)/man
DOCDIR	?= $(DATADIR)/doc/gpvpn
SYSCONFDIR ?= /etc
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
INSTALL	?= install
D	:= $(DESTDIR)

$(B)/gp-tunnel.service: systemd/gp-tunnel.service FORCE
	@mkdir -p $(dir $@)
	$(Q)sed 's|/usr/sbin/gp-tunnel|$(SBINDIR)/gp-tunnel|' $< >$@

install: all $(B)/gp-tunnel.service
	$(if $(filter 1,$(VG)),$(error VG=1: no seccomp filter; not installed))
	$(INSTALL) -d $(D)$(BINDIR) $(D)$(SBINDIR) $(D)$(MANDIR)/man1 \
	    $(D)$(MANDIR)/man5 $(D)$(MANDIR)/man8 $(D)$(DOCDIR)/examples \
	    $(D)$(SYSTEMDUNITDIR) $(D)$(SYSUSERSDIR) $(D)$(BASHCOMPDIR)
	$(INSTALL) -d -m 755 $(D)$(SYSCONFDIR)/gpvpn
	$(INSTALL) -m 755 gp-auth $(D)$(BINDIR)/gp-auth
	$(INSTALL) -m 755 gp-tunnel $(D)$(SBINDIR)/gp-tunnel
	$(INSTALL) -m 644 man/gp-auth.1 $(D)$(MANDIR)/man1/gp-auth.1
	$(INSTALL) -m 644 man/gp-tunnel.conf.5 \
	    $(D)$(MANDIR)/man5/gp-tunnel.conf.5
	$(INSTALL) -m 644 man/gp-tunnel.8 $(D)$(MANDIR)/man8/gp-tunnel.8
	$(INSTALL) -m 644 examples/gp-tunnel.conf \
	    $(D)$(DOCDIR)/examples/gp-tunnel.conf
	$(INSTALL) -m 644 doc/status.schema.json $(D)$(DOCDIR)/
	$(INSTALL) -m 644 $(B)/gp-tunnel.service systemd/gp-tunnel.socket \
	    $(D)$(SYSTEMDUNITDIR)/
	$(INSTALL) -m 644 systemd/gpvpn.sysusers $(D)$(SYSUSERSDIR)/gpvpn.conf
	$(INSTALL) -m 644 completions/gp-auth completions/gp-tunnel \
	    $(D)$(BASHCOMPDIR)/

# Removes what install put there, and the directories of gpvpn's own
# when they are left empty (never a policy an admin wrote).
uninstall:
	rm -f $(D)$(BINDIR)/gp-auth $(D)$(SBINDIR)/gp-tunnel \
	    $(D)$(MANDIR)/man1/gp-auth.1 $(D)$(MANDIR)/man5/gp-tunnel.conf.5 \
	    $(D)$(MANDIR)/man8/gp-tunnel.8 \
	    $(D)$(DOCDIR)/examples/gp-tunnel.conf \
	    $(D)$(DOCDIR)/status.schema.json \
	    $(D)$(SYSTEMDUNITDIR)/gp-tunnel.service \
	    $(D)$(SYSTEMDUNITDIR)/gp-tunnel.socket \
	    $(D)$(SYSUSERSDIR)/gpvpn.conf \
	    $(D)$(BASHCOMPDIR)/gp-auth $(D)$(BASHCOMPDIR)/gp-tunnel
	for d in $(D)$(DOCDIR)/examples $(D)$(DOCDIR) $(D)$(SYSCONFDIR)/gpvpn; \
	    do rmdir "$$d" 2>/dev/null || :; done

FORCE:

clean:
	rm -rf build build-asan build-fuzz build-cov build-bench build-vg gp-auth gp-tunnel

-include $(shell find $(B) build-fuzz build-cov -name '*.d' 2>/dev/null)
