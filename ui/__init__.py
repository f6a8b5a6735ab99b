"""The user interfaces: the Gradio web app (`server`, `chat`, `staff`, `guard`, …) and the `qa`
command line (`ui.cli`). They render the library's Answers and hold no question-answering logic.

May import: any wing of `qa`. `qa serve` imports the web app only when it runs, so importing
`qa` (or the command line) never loads Gradio.
"""
