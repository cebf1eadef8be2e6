"""The benchmark (python -m bench) and the real processes it and the tests start: the app, PostgreSQL."""
