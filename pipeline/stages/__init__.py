"""One module per stage; each exposes plain functions over a Document, with no Luigi import."""
