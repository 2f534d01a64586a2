# A thin wrapper around CMake for the README's two commands:
#   make demo   install what is missing, build, run Procfile.example
#   make test   install what is missing, build, run every test
# Everything real lives in CMakeLists.txt; this file only chains steps.

BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# Debian packages the build, the tests and the example app need.
DEPS = cmake gcc make pkg-config libuv1-dev libinih-dev libcmocka-dev \
	groff-base mandoc python3 valgrind
# What the export tests run the exports under: supervisord, runit and a
# systemd manager (without recommends: runit-run would replace init), and
# node for the Kubernetes schema, whose npm packages (pinned by
# tests/integration/export/package-lock.json) go to $(NODE_PREFIX).
EXPORT_DEPS = supervisor runit systemd util-linux
NODE_PREFIX = $(BUILD)/npm
SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps export-deps npm-deps build demo test install clean

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

# What only the export tests need: not installed for the demo.
export-deps: deps
	@missing=""; for p in $(EXPORT_DEPS); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	command -v node >/dev/null && command -v npm >/dev/null || \
		missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
			--no-install-recommends $$missing; \
	fi

# Installs the pinned npm packages once (again when the lock file changes).
npm-deps: export-deps
	@lock=tests/integration/export/package-lock.json; \
	if ! cmp -s $$lock $(NODE_PREFIX)/package-lock.json || \
	    [ ! -d $(NODE_PREFIX)/node_modules/kubernetes-models ]; then \
		mkdir -p $(NODE_PREFIX) && \
		cp tests/integration/export/package.json $$lock $(NODE_PREFIX)/ && \
		npm ci --prefix $(NODE_PREFIX) --no-audit --no-fund; \
	fi

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(BUILD)/tfrun start -f Procfile.example -e .env.example \
	    --config tfrun.example.ini

test: build npm-deps
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD)
