# Circle Assistant — set-up, demo, tests and benchmarks.
#   make demo   install everything, then run the bundled sample meeting end to end
#   make test   install everything, then run the whole test suite
# Both are idempotent: a second run skips what is already in place.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
# PortAudio for recording; PulseAudio + ALSA plugin for the real-capture tests;
# sox and espeak-ng to render scripted meetings; ffmpeg for extra audio formats.
APT_PACKAGES := libportaudio2 pulseaudio pulseaudio-utils libasound2-plugins alsa-utils \
                sox espeak-ng ffmpeg
STAMP := $(VENV)/.stamp-install

.PHONY: install system-deps venv models demo test lint bench clean-venv

install: system-deps venv models

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing \
	    >/dev/null || { echo "could not install:$$missing (apt-get install them)"; exit 1; }; \
	fi

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	# torch's CPU build first (the +cpu pin fails rather than pull a CUDA build), then
	# openai-whisper without its Linux-only GPU dependency (triton), then its real deps.
	$(PIP) install -q "torch==2.13.0+cpu"
	$(PIP) install -q -e ".[test]"
	$(PIP) install -q --no-deps "openai-whisper==20250625"
	$(PIP) install -q numba tiktoken more-itertools tqdm
	touch $(STAMP)

models: venv
	$(PY) -m assistant models pull whisper-tiny.en smollm2-135m whisper-base

demo: install
	$(PY) -m assistant demo

test: install
	sh scripts/start_pulse.sh
	$(PY) -m pytest

lint: venv
	$(PY) -m ruff check assistant tests benchmarks
	$(PY) -m mypy
	$(VENV)/bin/lint-imports

bench: install
	$(PY) -m benchmarks.run

clean-venv:
	rm -rf $(VENV)
