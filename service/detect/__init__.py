"""The detectors and the verdict: structural, lookalike, lure and redirect-chain signals, scoring,
and the vi/en texts.

Pure: no file, network or Redis IO.
"""
