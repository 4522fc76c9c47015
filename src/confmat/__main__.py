"""``python -m confmat``: the command line."""

from confmat.cli import main

raise SystemExit(main())
