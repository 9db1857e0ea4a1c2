"""One module per `pf` sub-command group."""
