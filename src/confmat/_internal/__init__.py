"""Everything private to confmat, one package per layer (see ARCHITECTURE.md): it may move."""
