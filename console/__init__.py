"""Console front end: the `bankpm` command and the interactive chat."""
