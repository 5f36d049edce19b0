"""`python -m assistant` runs the `pmc` command."""

from assistant.cli import main

raise SystemExit(main())
