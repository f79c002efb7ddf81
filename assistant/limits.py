"""How much text one request may carry (the same on /v1/ask and /v1/chat/completions): beyond these a request
is refused with a problem detail (400 for one text too long, 413 for too much in all), before any work."""

MAX_QUESTION = 2000  # characters of a question: the last user message of a chat, and every earlier one
MAX_TURN = 8000  # characters of any other message (an earlier answer, a system prompt)
MAX_TURNS = 50  # earlier turns a request may carry
HISTORY_USED = 10  # earlier questions the answerer reads (a follow-up needs the recent ones)
MAX_CONVERSATION = 64000  # characters of all turns together
MAX_JSON_BODY = 1024 * 1024  # bytes of a JSON request body
