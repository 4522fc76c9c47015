"""The ``confmat`` command: the parser, the commands, their inputs, streaming, the demo."""
