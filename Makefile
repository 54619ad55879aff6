# Set-up is part of every target: a fresh clone needs only `make test` / `make demo`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.kdmvnet_installed

.PHONY: install install-pose test test-all demo nwucla-cpu nwucla-gpu clean

install: $(STAMP)

# torch is pinned first: 2.13.0's CPU build is on the build machines' disk,
# while an unpinned torch pulls a multi-GB CUDA build.
$(STAMP): setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip 'setuptools<81' wheel
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

# mmpose for tools/data/extract_2d_pose.py, in its own venv: `pip install
# mmpose` fails (chumpy's setup.py imports pip), so mmpose, mmdet and
# torchvision go in with --no-deps; their other needs are the `pose` extra.
# torchvision 0.28.0 is the release for torch 2.13.0 (a CUDA build: its C++
# ops do not load; compat.prepare_mmpose repairs the import).
POSE_VENV ?= .venv-pose
POSE_PY := $(POSE_VENV)/bin/python
POSE_STAMP := $(POSE_VENV)/.kdmvnet_pose_installed

install-pose: $(POSE_STAMP)

$(POSE_STAMP): setup.py
	test -x $(POSE_PY) || $(PYTHON) -m venv $(POSE_VENV)
	$(POSE_PY) -m pip install -q --upgrade pip 'setuptools<81' wheel
	$(POSE_PY) -m pip install -q torch==2.13.0
	$(POSE_PY) -m pip install -q -e '.[pose]' pytest
	$(POSE_PY) -m pip install -q --no-deps mmpose==1.3.2 mmdet==3.3.0 \
		torchvision==0.28.0
	$(POSE_PY) -c 'import kdmvnet_mm.compat as c; c.prepare_mmpose()'
	touch $(POSE_STAMP)

test: $(STAMP)
	$(PY) -m pytest -q tests

test-all: $(STAMP)
	$(PY) -m pytest -q -m 'slow or not slow' tests

demo: $(STAMP)
	$(PY) tools/demo.py --work-dir work_dirs/demo

# N-UCLA cross-view: convert, train the teacher, distil the student, test
# on v03 (add STREAMS=j,b,jm for the fused three-stream result;
# MODELS=teacher,student leaves out the baselines).
STREAMS ?= j
MODELS ?= baseline,teacher,student
nwucla-cpu: $(STAMP)
	$(PY) tools/nwucla_recipe.py --preset cpu --streams $(STREAMS) --models $(MODELS) --work-dir work_dirs/nwucla_cpu

nwucla-gpu: $(STAMP)
	$(PY) tools/nwucla_recipe.py --preset gpu --streams $(STREAMS) --models $(MODELS) --work-dir work_dirs/nwucla_gpu

clean:
	rm -rf work_dirs
