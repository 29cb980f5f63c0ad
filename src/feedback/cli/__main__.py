"""`python -m feedback.cli`: the `feedback` command without its console script."""

from . import main

if __name__ == "__main__":
    main()
