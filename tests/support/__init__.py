"""Support modules for the tests; test modules import these and nothing from each other.

bodies.py   the shipped content, assessment bodies, answer presets
apps.py     build_app (the one way to build an app), ApiClient and Web (signed-in pages)
live.py     gunicorn servers on 127.0.0.1 for the live tests, and command environments
"""
