"""The commands of the `installation` tool, one module per concern; cli.py wires them."""
