"""`python -m service`: the `linkguard` command line."""

from service.cli.main import main

main()
