"""webclean: scraped web text in, clean audited JSONL out, as a Luigi task chain.

The stages are plain functions over a `Document` (see `pipeline.core.clean_document`); the Luigi
tasks in `pipeline.tasks` only move shards of documents between them.
"""

__version__ = "0.1.0"
