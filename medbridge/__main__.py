"""``python -m medbridge`` runs the command line."""

from medbridge.cli import main

main()
