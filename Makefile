# motcua — build, test, install.
#   make            build everything into $(BUILD)/
#   make run        install missing Debian packages, build, start the local stack on :8080
#   make check      install missing Debian packages, build, run every test
#   make install    PREFIX=/usr/local DESTDIR= (see INSTALL)
#   make asan       the same build with AddressSanitizer + UBSan, in build-asan/
#   make fuzz       libFuzzer harnesses (tests/fuzz/) built with clang in build-fuzz/, a short
#                   run of each (FUZZ_TIME=600 make fuzz for a long one)

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
DATADIR    ?= $(PREFIX)/share
SYSCONFDIR ?= /etc
DESTDIR    ?=
BUILD      ?= build
RUN_PORT   ?= 8080
RUN_DIR    ?= $(CURDIR)/run

# The one list of Debian packages the project needs (build, run and test).
DEBIAN_PACKAGES = build-essential pkg-config \
	libfcgi-dev libsqlite3-dev sqlite3 libjansson-dev libsodium-dev libinih-dev \
	libunistring-dev libcmocka-dev \
	libcairo2-dev libpango1.0-dev libqrencode-dev fonts-liberation2 fonts-dejavu-core poppler-utils zbar-tools \
	libtesseract-dev libleptonica-dev tesseract-ocr-vie tesseract-ocr-eng tesseract-ocr-osd \
	libsane-dev sane-utils libpoppler-glib-dev libqpdf-dev ocrmypdf \
	nginx-light curl jq valgrind wrk procps psmisc python3 tzdata pango1.0-tools \
	clang libclang-rt-14-dev

PKGS      = fcgi jansson libsodium inih sqlite3 cairo-pdf pangocairo fontconfig libqrencode \
            tesseract lept sane-backends poppler-glib libqpdf
CC       ?= cc
WARN      = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wno-unused-parameter
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude -Icore -Ifcgi -Iscan \
            $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lunistring -ldl -lm
PLUGIN_CFLAGS = -fPIC -fvisibility=hidden
PLUGIN_LDLIBS = $(shell pkg-config --libs jansson 2>/dev/null)
ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif
# SANITIZE=fuzz (with CC=clang, BUILD=build-fuzz: see the fuzz target): every object
# instrumented for libFuzzer's coverage, with ASan and UBSan (clang alone flags log.c's va_list
# forwarder as a non-literal format).
ifeq ($(SANITIZE),fuzz)
CFLAGS  += -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined \
           -Wno-format-nonliteral
LDFLAGS += -fsanitize=address,undefined
endif
ifeq ($(WERROR),1)
CFLAGS  += -Werror
endif

CORE_SRC  = $(wildcard core/*.c)
FCGI_SRC  = $(filter-out fcgi/main.c,$(wildcard fcgi/*.c))
CTL_SRC   = $(wildcard core/ctl/*.c)
# scan/: the scanner service; files named *_main.c are the programs' entry points.
SCAN_SRC  = $(filter-out %_main.c,$(wildcard scan/*.c))
SCAN_OBJ  = $(SCAN_SRC:%.c=$(BUILD)/obj/%.o)
SCAN_LIB  = $(BUILD)/lib/libmotcua-scan.a
CORE_OBJ  = $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
FCGI_OBJ  = $(FCGI_SRC:%.c=$(BUILD)/obj/%.o)
CTL_OBJ   = $(CTL_SRC:%.c=$(BUILD)/obj/%.o)
CORE_LIB  = $(BUILD)/lib/libmotcua-core.a
FCGI_LIB  = $(BUILD)/lib/libmotcua-fcgi.a

# plugins/common/ holds helpers compiled into every department plugin (not a plugin itself).
PLUGIN_COMMON = $(wildcard plugins/common/*.c)
PLUGIN_DIRS   = $(filter-out plugins/common,$(patsubst %/,%,$(dir $(wildcard plugins/*/*.c))))
PLUGINS       = $(sort $(foreach d,$(PLUGIN_DIRS),$(BUILD)/plugins/$(notdir $(d)).so))
TPLUGIN_DIRS  = $(patsubst %/,%,$(dir $(wildcard tests/plugins/*/*.c)))
TEST_PLUGINS  = $(sort $(foreach d,$(TPLUGIN_DIRS),$(BUILD)/test-plugins/$(notdir $(d)).so))

SCAN_BINS  = $(patsubst scan/%_main.c,$(BUILD)/bin/motcua-%,$(wildcard scan/*_main.c))
BINS       = $(BUILD)/bin/motcua-fcgi $(BUILD)/bin/motcuactl $(SCAN_BINS)
UNIT_SRC   = $(wildcard tests/unit/test_*.c)
UNIT_TESTS = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps run stop check unit unit-valgrind asan fuzz fuzz-build integration install uninstall clean bench print-packages
all: $(BINS) $(PLUGINS) plugin-data $(BUILD)/tests/gen_pages $(BUILD)/tessdata/vie.user-words

# ---- dependencies -----------------------------------------------------------
print-packages:
	@echo $(DEBIAN_PACKAGES)

# Installs only what is missing: as root directly, otherwise through sudo.
deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "motcua: installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi

# ---- build ------------------------------------------------------------------
$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(CORE_LIB): $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(FCGI_LIB): $(FCGI_OBJ)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(SCAN_LIB): $(SCAN_OBJ)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

# scan/scan_main.c -> motcua-scan, scan/scan-worker_main.c -> motcua-scan-worker, ...
$(BUILD)/bin/motcua-%: $(BUILD)/obj/scan/%_main.o $(SCAN_LIB) $(FCGI_LIB) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bin/motcua-fcgi: $(BUILD)/obj/fcgi/main.o $(FCGI_LIB) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bin/motcuactl: $(CTL_OBJ) $(FCGI_LIB) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# A plugin is every .c in plugins/<dept>/, linked into <dept>.so with hidden
# visibility; only the entry symbol is exported.
define plugin_rule
$(1)/$(notdir $(2)).so: $(wildcard $(2)/*.c) $(wildcard $(2)/*.h) $(PLUGIN_COMMON) $(wildcard plugins/common/*.h) include/motcua/plugin.h
	@mkdir -p $(1)
	$$(CC) $$(CFLAGS) -Iplugins/common $$(PLUGIN_CFLAGS) -shared -o $$@ $(wildcard $(2)/*.c) $(PLUGIN_COMMON) $$(LDFLAGS) $(3) $$(PLUGIN_LDLIBS)
endef
$(foreach d,$(sort $(PLUGIN_DIRS)),$(eval $(call plugin_rule,$(BUILD)/plugins,$(d),)))
$(foreach d,$(sort $(TPLUGIN_DIRS)),$(eval $(call plugin_rule,$(BUILD)/test-plugins,$(d),$$(TPLUGIN_LDFLAGS_$(notdir $(d))))))
# The "missing symbol" test plugin must link although it calls a function nobody defines.
TPLUGIN_LDFLAGS_missing_symbol = -Wl,--allow-shlib-undefined -Wl,-z,undefs

.PHONY: plugin-data
plugin-data: $(PLUGINS) $(TEST_PLUGINS)
	@for f in plugins/*/*.json; do [ -f "$$f" ] && cp -f "$$f" $(BUILD)/plugins/; done; true
	@mkdir -p $(BUILD)/test-plugins
	@for f in tests/plugins/*/*.json; do [ -f "$$f" ] && cp -f "$$f" $(BUILD)/test-plugins/; done; true

# The OCR models folder: links to Debian's vie/eng/osd models plus motcua's word list
# (ocr-models/README.md); the OCR pool finds it beside the programs.
$(BUILD)/tessdata/vie.user-words: ocr-models/vie.user-words ocr-models/link-tessdata
	ocr-models/link-tessdata $(BUILD)/tessdata

# ---- tests ------------------------------------------------------------------
# The fixture generator: Vietnamese pages with ground truth (tests/fixtures/README.md).
$(BUILD)/tests/gen_pages: $(wildcard tests/fixtures/*.c tests/fixtures/*.h) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(wildcard tests/fixtures/*.c) $(CORE_LIB) $(LDLIBS)

$(BUILD)/tests/test_%: tests/unit/test_%.c $(wildcard tests/unit/*.h) $(SCAN_LIB) $(FCGI_LIB) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(SCAN_LIB) $(FCGI_LIB) $(CORE_LIB) $(LDLIBS) -lcmocka

unit: all $(UNIT_TESTS)
	@BUILD=$(BUILD) tests/run-unit $(UNIT_TESTS)

unit-valgrind: all $(UNIT_TESTS)
	@BUILD=$(BUILD) VALGRIND=1 tests/run-unit $(UNIT_TESTS)

asan:
	$(MAKE) BUILD=build-asan SANITIZE=1 all

integration: all
	@BUILD=$(BUILD) tests/run-integration

# ---- fuzzing (tests/fuzz/README.md) -------------------------------------------
# The harnesses tests/fuzz/fuzz_NAME.c, linked with the libraries and department plugins
# rebuilt by clang with coverage, ASan and UBSan in $(FUZZ_BUILD)/; each runs FUZZ_TIME
# seconds on its seeds (tests/fuzz/corpus/NAME/), FUZZ_JOBS at a time. Fails on a crash,
# a sanitizer report, a timeout or a memory blow-up; the input is kept in $(FUZZ_BUILD)/.
FUZZ_BUILD ?= build-fuzz
FUZZ_TIME  ?= 20
FUZZ_JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SRC    = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS   = $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)

fuzz:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang SANITIZE=fuzz fuzz-build
	@BUILD=$(FUZZ_BUILD) FUZZ_TIME=$(FUZZ_TIME) FUZZ_JOBS=$(FUZZ_JOBS) tests/fuzz/run $(notdir $(FUZZ_SRC:.c=))

# Only with BUILD=$(FUZZ_BUILD) CC=clang SANITIZE=fuzz (as the fuzz target calls it).
fuzz-build: $(FUZZ_BINS) plugin-data

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) $(SCAN_LIB) $(FCGI_LIB) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/fuzz -fsanitize=fuzzer $(LDFLAGS) -o $@ $< $(SCAN_LIB) $(FCGI_LIB) $(CORE_LIB) $(LDLIBS)

# Everything, in the order a failure is cheapest to read.
check: deps
	$(MAKE) WERROR=1 all $(UNIT_TESTS)
	$(MAKE) unit
	$(MAKE) unit-valgrind
	$(MAKE) BUILD=build-asan SANITIZE=1 WERROR=1 unit
	$(MAKE) fuzz
	ocr-models/make-user-words --check ocr-models/vie.user-words
	tests/fixtures/check.sh $(BUILD)
	$(MAKE) integration

bench: all
	bench/api/run

# ---- run --------------------------------------------------------------------
# Restarts the stack if it already runs, so that a rebuilt tree is what serves.
run: deps
	$(MAKE) all
	@nginx/stack down --dir $(RUN_DIR) >/dev/null
	nginx/stack up --port $(RUN_PORT) --dir $(RUN_DIR) --demo
	@echo "motcua is running at http://127.0.0.1:$(RUN_PORT)/  (stop: make stop)"

stop:
	nginx/stack down --dir $(RUN_DIR)

# ---- install ----------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/motcua/plugins \
	  $(DESTDIR)$(DATADIR)/motcua/web $(DESTDIR)$(DATADIR)/motcua/nginx \
	  $(DESTDIR)$(DATADIR)/motcua/systemd $(DESTDIR)$(DATADIR)/doc/motcua
	install -m 0755 $(BINS) $(DESTDIR)$(BINDIR)/
	install -m 0644 $(PLUGINS) $(DESTDIR)$(LIBDIR)/motcua/plugins/
	install -m 0644 plugins/*/*.json $(DESTDIR)$(LIBDIR)/motcua/plugins/
	cp -R web/. $(DESTDIR)$(DATADIR)/motcua/web/
	ocr-models/link-tessdata --copy $(DESTDIR)$(DATADIR)/motcua/tessdata
	install -m 0644 nginx/*.conf* $(DESTDIR)$(DATADIR)/motcua/nginx/ 2>/dev/null || true
	install -m 0644 nginx/systemd/*.service $(DESTDIR)$(DATADIR)/motcua/systemd/ 2>/dev/null || true
	install -m 0644 nginx/motcua.ini.example nginx/calendar.json.example $(DESTDIR)$(DATADIR)/doc/motcua/
	install -m 0644 README.md INSTALL $(DESTDIR)$(DATADIR)/doc/motcua/

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(BINS)))
	rm -rf $(DESTDIR)$(LIBDIR)/motcua $(DESTDIR)$(DATADIR)/motcua $(DESTDIR)$(DATADIR)/doc/motcua

clean:
	rm -rf build build-asan $(FUZZ_BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
