"""``python -m pubenrich`` runs the command line."""

from pubenrich.cli import main

raise SystemExit(main())
