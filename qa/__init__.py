"""Extractive, cited question answering over trusted documents (no generative model).

The package is in wings; data flows one way, files -> Document -> Chunk -> index, and question ->
Hits -> Answer. The top-level modules are the core every wing may import: settings (`config`,
`config_groups`), the collection's profile (`profile`), errors, the data types passed between stages
(`types`, and `index_data`, the in-memory index that ingest builds and answering reads), and text
analysis (`text`, `lexical`, `acronyms`, `passages`, `courtesy`, `dense`, `files`). The core imports
no wing.

- `qa.encoder`: the sentence encoder;
- `qa.ingest`: sources -> cleaned documents -> chunks -> vectors -> the index folder;
- `qa.safety`: triage before any answer, and what every reply carries;
- `qa.answering`: reading a question -> retrieval -> sentence choice -> Answer;
- `qa.serving`: loading the pipeline, the live index swap, the logbook, the rate limit;
- `qa.evaluation`: suites, metrics, reports, benchmarks, load tests and tuning.

`tests/test_architecture.py` fails on an import against this order, and on any circle.
"""

__version__ = "0.9.0"
