"""``python -m confmat``: the command line."""

from confmat._internal.cli.main import main

raise SystemExit(main())
