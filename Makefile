# Set-up is part of every target: a fresh clone needs only `make test` / `make demo`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.kdmvnet_installed

.PHONY: install test test-all demo nwucla-cpu nwucla-gpu clean

install: $(STAMP)

# torch is pinned first: 2.13.0's CPU build is on the build machines' disk,
# while an unpinned torch pulls a multi-GB CUDA build.
$(STAMP): setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip 'setuptools<81' wheel
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

test: $(STAMP)
	$(PY) -m pytest -q tests

test-all: $(STAMP)
	$(PY) -m pytest -q -m 'slow or not slow' tests

demo: $(STAMP)
	$(PY) tools/demo.py --work-dir work_dirs/demo

# N-UCLA cross-view: convert, train the teacher, distil the student, test
# on v03 (add STREAMS=j,b,jm for the fused three-stream result).
STREAMS ?= j
nwucla-cpu: $(STAMP)
	$(PY) tools/nwucla_recipe.py --preset cpu --streams $(STREAMS) --work-dir work_dirs/nwucla_cpu

nwucla-gpu: $(STAMP)
	$(PY) tools/nwucla_recipe.py --preset gpu --streams $(STREAMS) --work-dir work_dirs/nwucla_gpu

clean:
	rm -rf work_dirs
