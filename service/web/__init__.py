"""The aiohttp application: routes, admin API, input checks, API keys, OpenAPI, metrics, logs and
the backend wiring.."""
