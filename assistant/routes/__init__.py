"""The HTTP routes, one router per feature, each given the service it serves (never the container):
search (`POST /v1/search`), ask (`POST /v1/ask`), documents (`/v1/documents…`), directives
(`/v1/directives…`), openai (`/v1/chat/completions`, `/v1/models`) and web (the pages). assistant/api.py
assembles them with the app-wide middleware (host, origin, keys, load) and error handlers."""
