"""Server-rendered pages for people: the verification page and the verify-any-badge form."""
