"""`python -m feedback.cli_main`: the `feedback` command without its console script."""

from .cli import main

if __name__ == "__main__":
    main()
