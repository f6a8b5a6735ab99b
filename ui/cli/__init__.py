"""The `qa` command line (`command.main`), one module per group of commands."""
