"""What the tests share, as plain modules: processes, backends, API clients, samples.

Tests import from here, never from conftest.py or from another test module.
"""
