"""Lists as data: the manifest, every list format, canonical entry keys and the match index.

Pure: text in, values out; no file, network or Redis IO.
"""
