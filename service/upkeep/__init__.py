"""Keeping the lists: files on disk, loading a snapshot, feed downloads and updates, edits,
validation and the review of reports.

Touches files and the network.
"""
