"""One module per subcommand: an options dataclass built from the parsed arguments and a run function."""
