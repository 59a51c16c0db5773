"""From a question to an Answer: input checks, retrieval, answer-or-refuse, composition."""
