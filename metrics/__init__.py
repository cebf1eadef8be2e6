"""Core of the learning-society targets dashboard: store, registers, progress maths, figures.

Nothing in this package imports Streamlit (tests/test_layers.py checks it), so the pages,
the CLI, the exports and the tests all share the same functions.
"""
