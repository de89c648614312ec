"""One module per analyzer; each is a function of the text and its context that returns findings."""
