"""Maintainer tools: generating the chapter notebooks from their text sources, running
chapters, retraining every model, and the benchmark. Learners never import these; the
chapters use only the ``vaecourse`` package. Run them from the repository's root, e.g.
``python -m tools.train_all``."""
