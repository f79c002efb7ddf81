"""The domain vocabulary of Vietnamese administrative documents, in one place: document types and their
codes, agency names and the words of roles, periods and dates, the words questions ask with, and the shapes
of figures. Every layer (ingest, index, assistant) imports it; it imports nothing of ours."""
