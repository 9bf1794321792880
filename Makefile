# Thin wrapper around CMake presets. `make run` and `make test` install what is missing first.
# In CI (CI set) the preset is `ci`: the AddressSanitizer + UBSan build with warnings as errors.
PRESET ?= $(if $(CI),ci,dev)
# CI starts from a fresh machine every time: a compiler cache there only costs disk and hashing.
ifneq ($(CI),)
export CCACHE_DISABLE := 1
endif
BUILD  := build/$(PRESET)
BIN    := $(BUILD)/app/inferscope
ARGS   ?=

# Debian bookworm packages the build, the tests and the offscreen renderer need.
DEPS := g++ cmake ninja-build ccache pkg-config qt6-base-dev qt6-charts-dev libqt6sql6-sqlite \
        qt6-qpa-plugins libqt6opengl6-dev libxkbcommon-dev libsqlite3-dev libgl-dev fonts-dejavu-core \
        clang-format qtkeychain-qt6-dev mold libpq-dev postgresql prometheus \
        clang libclang-rt-14-dev llvm-14 dbus \
        librsvg2-bin dpkg-dev file lintian appstream desktop-file-utils systemd
# dbus (dbus-daemon): tst_desktopnotifier runs a private session bus of its own.
# prometheus (2.42): tst_collectlisten scrapes `collect --listen` with a real server of its own.
# clang + libclang-rt-14-dev (libclang_rt.fuzzer) build `make fuzz`; llvm-14 symbolizes its reports.
# librsvg2-bin renders the icon's PNG sizes; dpkg-dev (dpkg-shlibdeps) and file let cpack fill in
# the package's Depends; lintian, appstream, desktop-file-utils and systemd (systemd-analyze)
# check the package (make package, tst_package).

# Seconds each libFuzzer target runs in `make fuzz`; FUZZ_TARGETS picks some (e.g. fuzz_sse).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps configure build run test bench package fuzz format format-check clean

all: build

deps:
	@missing=$$(for p in $(DEPS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing packages:" $$missing; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(BUILD)/build.ninja: | deps
	cmake --preset $(PRESET)

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build --preset $(PRESET)

run: build
	$(BIN) $(ARGS)

test: build
	QT_QPA_PLATFORM=offscreen ctest --preset $(PRESET) -j2

bench:
	$(MAKE) build PRESET=release
	QT_QPA_PLATFORM=offscreen cmake --build --preset release --target bench

# The Debian package from the release preset: build/release/inferscope_<version>-<rev>_<arch>.deb,
# then lintian on it (an error fails the target; overrides in packaging/lintian-overrides).
package:
	$(MAKE) configure PRESET=release
	cmake --build --preset release --target inferscope inferscope_packaging
	rm -f build/release/inferscope_*.deb
	cd build/release && cpack -G DEB
	lintian --fail-on error build/release/inferscope_*.deb

# The parsers' libFuzzer targets (clang, ASan + UBSan), each run FUZZ_SECONDS from the seeds in
# tests/data; a crasher fails the run and is left in build/fuzz/artifacts/<target>/.
fuzz: deps
	cmake --preset fuzz
	cmake --build --preset fuzz
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run-fuzzers.sh build/fuzz $(FUZZ_TARGETS)

format:
	git ls-files -c -o --exclude-standard "*.cpp" "*.h" | xargs clang-format -i

format-check: deps
	git ls-files -c -o --exclude-standard '*.cpp' '*.h' | xargs clang-format --dry-run -Werror

clean:
	rm -rf build
