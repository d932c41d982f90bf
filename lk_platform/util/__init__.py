"""Small utilities with no knowledge of the model: dates and money
formatting, pagers, CSV streaming, uploaded files, the mail outbox, password
hashing and colander types."""
