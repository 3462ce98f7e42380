"""`python -m bot <command>`: the commands behind the Makefile targets."""

from bot.cli import main

raise SystemExit(main())
