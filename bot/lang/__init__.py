"""Language data (French and English) and the text helpers that use it."""
