"""Not Alone Link Guard: what the service computes, for other tools to import.

The public face is small on purpose (as tldextract's and h11's are): the URL core that the
blocklists, the detectors and the extension all agree on.
"""

from __future__ import annotations

from service.core.errors import InvalidURL
from service.core.hostnames import registrable_domain
from service.core.urls import canonicalize, expressions

__all__ = ["InvalidURL", "canonicalize", "expressions", "registrable_domain"]
