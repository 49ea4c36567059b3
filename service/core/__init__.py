"""The core values and the URL core: frozen dataclasses, the error tree, canonical URLs and host
names.

Pure: imports nothing of the service above it and does no IO.
"""
