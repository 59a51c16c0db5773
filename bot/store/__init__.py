"""The documents and their index: cleaned corpus, passages, embeddings, Chroma."""
