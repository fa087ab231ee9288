"""Benchmarks of the ``topics`` toolkit: ``python -m bench`` (``make bench``) writes BENCHMARKS.md.

Not part of the installed package; the suites read the corpora in ``$TOPICS_CORPORA`` (default
``../shared/corpora``) and compare every figure with a baseline measured in the same run.
"""
