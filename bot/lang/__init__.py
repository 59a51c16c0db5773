"""Language data (French and English): word lists and patterns as data files, loaded and checked by
`data`, and the text helpers that use them (`text`)."""
