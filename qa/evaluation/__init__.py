"""The evaluation wing: golden suites and their metrics (`suites`, `evaluate`, `metrics`,
`readability`), reports (`report`, `report_html`, `report_parts`, `report_triage`,
`report_reading`, `compare`), learning the bundled files
(`calibrate`, `tune`, `tune_triage`), benchmarks (`bench`, `bench_table`, `bench_quality`,
`bench_triage`) and load tests (`loadtest`, `loadtest_result`, `abuse`, `local_app`, `procmem`).

May import: any wing of `qa`. Never `ui`.
"""
