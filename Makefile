# A thin wrapper around CMake for the README's two commands:
#   make demo   install what is missing, build, run Procfile.example
#   make test   install what is missing, build, run every test
# Everything real lives in CMakeLists.txt; this file only chains steps.

BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# Debian packages the build, the tests and the example app need.
DEPS = cmake gcc make pkg-config libuv1-dev libinih-dev libcmocka-dev \
	groff-base mandoc python3 valgrind
SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build demo test install clean

all: build

# Installs only the packages that are missing, so a ready machine is quick.
deps:
	@missing=""; for p in $(DEPS); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(BUILD)/tfrun start -f Procfile.example -e .env.example

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD)
