"""Rule packs as data: the model, the loader that validates them, and the line features they use."""
