"""The evaluation wing: golden suites and their metrics (`suites`, `evaluate`, `metrics`),
reports (`report`, `report_html`, `report_triage`, `compare`), learning the bundled files
(`calibrate`, `tune`, `tune_triage`), benchmarks (`bench`, `bench_table`, `bench_quality`,
`bench_triage`) and load tests (`loadtest`, `loadtest_result`, `abuse`, `local_app`, `procmem`).

May import: any wing of `qa`. Never `ui`.
"""
