# cxkit: the workbook's commands. `make app` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8866
IP     ?= 127.0.0.1
# Room mode: SEATS=20 keeps a kernel of the audit page (03) ready per participant (~130 MB each).
SEATS  ?= 0
STAMP  := $(VENV)/.installed-stamp
# The trainer's guide, glossary and bibliography: Markdown in docs/guide/, rendered offline
# to notebooks/guide/*.html (generated, git-ignored) for Voilà to serve.
GUIDE  := notebooks/guide/trainer_en.html
# The Vega bundle pages load to draw a moved chart themselves (generated, git-ignored).
VEGA_JS := notebooks/static/cxkit-vega.js
# The participants' path 00–08, then the trainer's console.
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb)) notebooks/trainer.ipynb

# Voilà finds the workbook's offline template (share/jupyter/voila/templates/cxkit) here.
export JUPYTER_PATH := $(CURDIR)/share/jupyter
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install app lab test unit notebooks bench clean

install: $(STAMP) $(GUIDE) $(VEGA_JS)

# (Re)install only when the venv is missing or pyproject.toml changed.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

# On 127.0.0.1 (the default) no token; on any other address (room mode, IP=0.0.0.0) a
# random token, and voila.py prints the join address that carries it.
app: install
ifneq ($(filter $(IP),127.0.0.1 localhost ::1),)
	@echo ""
	@echo "  cxkit workshop: http://$(IP):$(PORT)/voila/render/00_workshop.ipynb"
	@echo "  (Ctrl+C stops it)"
	@echo ""
	$(BIN)/voila --Voila.ip=$(IP) --port=$(PORT) --no-browser notebooks/
else
	@CXKIT_ROOM_TOKEN=$$($(BIN)/python -c "import secrets; print(secrets.token_urlsafe(18))") && \
	export CXKIT_ROOM_TOKEN CXKIT_SEATS=$(SEATS) && $(BIN)/python voila.py $(IP) $(PORT) && \
	exec $(BIN)/voila --Voila.ip=$(IP) --port=$(PORT) --no-browser notebooks/
endif

$(GUIDE): $(STAMP) $(wildcard docs/guide/*.md) cxkit/guide.py cxkit/nav.py $(wildcard cxkit/locale/nav.json)
	$(BIN)/python -m cxkit.guide

$(VEGA_JS): $(STAMP) cxkit/charts/bundle.py
	$(BIN)/python -m cxkit.charts.bundle notebooks

lab: install
	$(BIN)/jupyter lab --ip=127.0.0.1 --notebook-dir=notebooks

# Unit tests, nbval (strict) on every notebook, and the browser test of the app.
# tools/nbval_engine.py: one chart engine (vl-convert started once) for every notebook.
test: install
	$(BIN)/python -m pytest -p tools.nbval_engine tests $(NOTEBOOKS) --nbval --nbval-sanitize-with tests/sanitize.cfg --nbval-cell-timeout=120

# Only the fast unit tests (no notebooks, no browser).
unit: install
	$(BIN)/python -m pytest tests --ignore=tests/browser

# Re-execute every notebook in place (after changing cxkit), with the test settings.
notebooks: install
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

bench: install
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis test-artifacts benchmarks/results notebooks/guide notebooks/static
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
