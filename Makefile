# Two entry points: `make run` (the web app) and `make test` (everything CI checks).
# Each installs what it needs into .venv; nothing is downloaded at run time.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run test index lint eval bench load browser schema wheel clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Default path: no torch.
$(VENV)/.deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[eval]'
	touch $@

# Test path: torch (CPU build, pinned first so nothing pulls CUDA), sentence-transformers,
# the test tools, and Debian's Chromium for the browser tests.
$(VENV)/.test-deps: pyproject.toml $(VENV)/.deps
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[st,test,eval]'
	command -v chromium >/dev/null 2>&1 || (apt-get update -q && apt-get install -y -q chromium)
	touch $@

run: $(VENV)/.deps
	$(BIN)/python app.py

index: $(VENV)/.deps
	$(BIN)/python -m bot index

# The JSON Schema of corpus/claims.yaml, written from its pydantic models (a test checks it is current).
schema: $(VENV)/.deps
	$(BIN)/python -c "from bot.disagree.evidence_map import write_schema; print(write_schema())"

# A wheel that ships the corpus, the static files and the language data (`pip install dist/*.whl`).
wheel: $(VENV)/.deps
	$(BIN)/pip wheel -q --no-deps --no-build-isolation -w dist .

test: $(VENV)/.test-deps
	$(BIN)/python -m bot index
	$(BIN)/ruff check bot eval tests app.py
	$(BIN)/pytest -q
	$(BIN)/python -m eval --gate

eval: $(VENV)/.deps
	$(BIN)/python -m eval

bench: $(VENV)/.deps
	$(BIN)/python -m eval.bench

load: $(VENV)/.deps
	$(BIN)/python -m eval.load

browser: $(VENV)/.test-deps
	$(BIN)/python -m bot index
	$(BIN)/pytest -q -m browser

lint: $(VENV)/.test-deps
	$(BIN)/ruff check bot eval tests app.py
	$(BIN)/ruff format --check bot eval tests app.py

clean:
	rm -rf .index .pytest_cache build dist
