"""``evaluate()``: a model run over a loader, its outputs counted and its samples kept."""
