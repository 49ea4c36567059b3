"""State outside the process: the verdict cache, Redis, reports and their spool, rate limits,
single flight and the reload channel.."""
