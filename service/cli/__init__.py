"""The `linkguard` command line: thin click commands over the library.."""
