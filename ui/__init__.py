"""The Gradio chat app: renders the library's Answers; holds no question-answering logic.

`qa serve` imports this package only when it runs, so importing `qa` never loads Gradio.
"""
