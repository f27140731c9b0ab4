# Two commands for a newcomer: `make run` and `make test`. Both set themselves up.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run render test lint setup clean soak sound-check sync farm-bench lock golden fuzz

# Installed from the lock (exact versions: renders are the same bytes where the lock and the
# platform are the same), then the project itself, editable.
$(STAMP): pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e '.[dev]'
	touch $(STAMP)

# After changing dependencies: resolve them afresh in a scratch venv and pin what was chosen.
lock:
	rm -rf .lock-venv && $(PY) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip && .lock-venv/bin/pip install --quiet '.[dev]'
	{ head -2 requirements.lock; .lock-venv/bin/pip freeze --all --exclude-editable \
	  | grep -v -E "^(installation|pip|setuptools)=="; } > requirements.lock.new && mv requirements.lock.new requirements.lock
	rm -rf .lock-venv

# After a change that alters pictures on purpose: new golden frames (review the PNGs' diff).
golden: $(STAMP)
	SDL_VIDEODRIVER=dummy GOLDEN_UPDATE=1 $(BIN)/pytest -p no:cacheprovider -q tests/test_golden.py

setup: $(STAMP)

# The main job: play the bundled show in a window (Esc quits).
run: $(STAMP)
	$(BIN)/installation play

# Headless: four seconds of every bundled scene, frames and sound, to out/<scene>/.
render: $(STAMP)
	@for scene in scenes/*.yaml; do \
	  id=$$(basename $$scene .yaml); \
	  $(BIN)/installation render $$scene --seconds 4 --out out/$$id || exit $$?; \
	done
	@echo "frames are in $(CURDIR)/out/<scene>/frame_*.png"

test: $(STAMP)
	$(BIN)/ruff check installation tests
	$(BIN)/mypy
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy PYO_GUI_WX=0 $(BIN)/pytest -p no:cacheprovider

# Endurance, before a release: 30 minutes at 48x = 24 hours of the bundled show, scene clocks and
# hours included, sound on a private null sink; prints memory, files and threads per hour of show.
soak: $(STAMP)
	SDL_VIDEODRIVER=dummy scripts/with-null-sink $(BIN)/installation play --soak 30 --speed 48 \
	  --size 640x360 --no-osc --state-dir out/soak

# Every bundled scene's sound over a whole form (calibrated on the form before): level, range,
# spectrum, key, width and form as a room hears them, each scene's figures printed (-rP); the
# README's sound table is `installation sound-report`.
sound-check: $(STAMP)
	SDL_VIDEODRIVER=dummy PYO_GUI_WX=0 $(BIN)/pytest -p no:cacheprovider -rP -m 'loops or not loops' \
	  tests/test_sound_loops.py

# Two players joined by Ableton Link for ten minutes, in a private network namespace: each
# frame's show time against the clock both share (must agree within 16.7 ms).
sync: $(STAMP)
	SDL_VIDEODRIVER=dummy $(BIN)/pytest -p no:cacheprovider -s -m sync tests/test_wall.py

# 1,000 cases each of scenes from the models, mutated files and OSC, with fresh randomness
# (make test runs 40 of each, the same every time).
fuzz: $(STAMP)
	SDL_VIDEODRIVER=dummy FUZZ_PROFILE=long $(BIN)/pytest -p no:cacheprovider \
	  --hypothesis-show-statistics tests/test_fuzz.py

# Render-farm throughput here: one process, then Dask with 1 and 2 local workers, 1080p30.
farm-bench: $(STAMP)
	$(BIN)/installation bench --farm

lint: $(STAMP)
	$(BIN)/ruff check installation tests
	$(BIN)/ruff format --check installation tests

clean:
	rm -rf $(VENV) out
