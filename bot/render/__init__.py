"""One presentation layer: Markdown and HTML rendered from an Answer's statements."""
