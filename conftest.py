# Shared fixtures for the core's, the bundled plugins' and the example plugin's tests.
pytest_plugins = ["lk_platform.testing"]
