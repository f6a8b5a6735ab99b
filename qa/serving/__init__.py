"""The serving wing: loading and checking the index and assembling the pipeline over it (`loading`),
the live swap to a newer build (`live`), the logbook (`logbook`, `redaction`, `export`) and the
per-client rate limit (`ratelimit`).

May import: the core of `qa`, the encoder, answering, safety, and the read side of ingest (`store`,
`freshness`). Never the builder (`qa.ingest.build`), never `ui`.
"""
