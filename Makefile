# The course's front door. On a fresh Debian 12 (as root, or with password-less sudo):
#
#   make book    build the website into _build/html, executing every chapter (the main job)
#   make test    run every test (builds the book first: the browser tests read it)
#
# Both create or reuse the virtual environment .venv and install what is missing into it,
# and the Debian packages they need into the system. Maintainers:
#
#   make notebooks   render the learners' notebooks chapters/*.ipynb (and appendix/papers.ipynb)
#                    from their text sources, the .py beside them, and the numbers of the
#                    book's reader build (builds it first)
#   make lab-check   run chapter 6 in JupyterLab as Binder sets it up (CHAPTER=01 for another,
#                    CHAPTER=papers for the appendix's page with code)
#   make clean       delete the built site and its execution caches

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Touched after a successful install; pip runs again when the dependency list changes.
INSTALLED := $(VENV)/.installed
# The npm packages of package-lock.json (MathJax for the site, axe-core for the tests), touched
# after npm installed them: npm runs again when the stamp is missing or older than
# package-lock.json (npm unpacks files with a fixed date of 1985).
JS_PACKAGES := node_modules/.vaecourse-installed

.PHONY: book test notebooks lab-check browser-packages js-packages axe-packages diagram-packages clean

book: diagram-packages js-packages $(INSTALLED)
	# The live explorers' decoders go to _static/explorers/, loaded when a reader starts one.
	VAECOURSE_EXPLORER_ASSETS=$(CURDIR)/_static/explorers \
	VAECOURSE_PROFILE=reader $(BIN)/jupyter-book build . -W -n --keep-going

test: browser-packages js-packages book
	# The slowest tests are listed at the end, so a slow run shows where its time went.
	$(BIN)/python -m pytest --durations=15

# The learners' notebooks write out the numbers the reader build computed: build, then render.
notebooks: book
	$(BIN)/python -m tools.chapter_sources

# What a learner in Binder sees: JupyterLab configured by binder/postBuild opens the chapter's
# notebook in headless Chromium, runs all its cells and moves its ipywidgets slider; it prints
# the time and the kernel's peak memory and saves screenshots in _build/lab-check/ (1-2 minutes).
CHAPTER ?= 06
lab-check: browser-packages $(INSTALLED)
	$(BIN)/python -m tools.lab_check $(CHAPTER)

browser-packages:
	@tools/ensure_debian_packages.sh chromium:/usr/bin/chromium chromium-driver:/usr/bin/chromedriver

# JavaScript from the npm registry, the versions package-lock.json pins, into node_modules/
# (git-ignored), with Node.js and npm from Debian: MathJax, whose components the book build
# copies into the site (_ext/mathjax_local.py: only TeX input, HTML output and the fonts, no
# menu), and axe-core, the accessibility checker tests/test_accessibility.py injects into
# Chromium. npm ci runs again only when package-lock.json changes.
js-packages: $(JS_PACKAGES)

# The former name of js-packages.
axe-packages: js-packages

$(JS_PACKAGES): package-lock.json
	@tools/ensure_debian_packages.sh nodejs:/usr/bin/node npm:/usr/bin/npm
	npm ci --no-audit --no-fund
	touch $@

# Chapter 4 draws its model diagram with keras.utils.plot_model: pydot (pip) runs Graphviz's dot.
diagram-packages:
	@tools/ensure_debian_packages.sh graphviz:/usr/bin/dot

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c "import ensurepip" 2>/dev/null || tools/ensure_debian_packages.sh python3-venv
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[book,test]"
	touch $@

clean:
	rm -rf _build
