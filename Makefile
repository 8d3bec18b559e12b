# Cobweb: `make demo` sets everything up and runs the demo; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The HTML report's graph view: sigma.js + graphology from npm, bundled by esbuild.
JS_DIR    := output/js
JS_BUNDLE := output/report_graph.min.js

.PHONY: install demo test bench clean

install: $(STAMP) $(JS_BUNDLE)

$(JS_BUNDLE): $(JS_DIR)/package.json $(JS_DIR)/package-lock.json $(wildcard $(JS_DIR)/src/*.js)
	cd $(JS_DIR) && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent

# pip builds the compiled parts of extraction (crawler/extraction/*.pyx) when a C compiler is there.
$(STAMP): pyproject.toml setup.py $(wildcard crawler/extraction/*.pyx)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

demo: install
	$(BIN)/cobweb demo

test: install
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) demo-run *.egg-info $(JS_DIR)/node_modules $(JS_BUNDLE)
